#pragma once
// TlsContext: the server's certificate chain and private key (PEM files), as an OpenSSL server
// context that allows TLS 1.2 and 1.3 only, with forward-secret AEAD ciphers for TLS 1.2.
// Reload() reads the files again and swaps the new context in only if it loads completely; a
// connection keeps the context it began with, so a reload never disturbs one in progress.
//
//   GH_ASSIGN_OR_RETURN(auto tls, TlsContext::Load(cert_file, key_file));
//   std::shared_ptr<ssl::context> ctx = tls->Current();   // per accepted connection
//   tls->Reload();                                        // on SIGHUP
//
// Private to the http module: only server.cc includes it (it brings the Asio SSL headers).
// Thread-safety: Current() and Reload() may be called from any thread.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/mutex.h"
#include "common/result.h"

namespace gatehouse::http {

class TlsContext {
 public:
  // kInvalidArgument, naming the file and OpenSSL's reason, when the files cannot be used.
  static Result<std::unique_ptr<TlsContext>> Load(std::string cert_file, std::string key_file);

  std::shared_ptr<boost::asio::ssl::context> Current() const EXCLUDES(mu_);
  // On failure the current context stays in use and the error says why.
  Status Reload() EXCLUDES(mu_);

 private:
  TlsContext(std::string cert_file, std::string key_file,
             std::shared_ptr<boost::asio::ssl::context> context);

  const std::string cert_file_;
  const std::string key_file_;
  mutable Mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> context_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::http
