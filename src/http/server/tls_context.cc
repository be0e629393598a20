#include "http/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <utility>

namespace gatehouse::http {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites with forward secrecy and an AEAD (Mozilla's "intermediate" profile without
// finite-field DHE). TLS 1.3 suites are OpenSSL's defaults, all of which qualify.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The newest error on this thread's OpenSSL queue, which it then empties.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();  // NOLINT(google-runtime-int): OpenSSL's
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

void WarnIfReadableByOthers(const std::string& key_file) {
  struct stat st {};
  if (::stat(key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    spdlog::warn("TLS_KEY_FILE {} can be read by other users; make it 0600", key_file);
  }
}

Result<std::shared_ptr<ssl::context>> Build(const std::string& cert_file,
                                            const std::string& key_file) {
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* handle = context->native_handle();
  if (SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(handle, kTls12Ciphers) != 1) {
    return Internal("TLS setup failed: " + OpenSslReason());
  }
  SSL_CTX_set_options(
      handle, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(handle, cert_file.c_str()) != 1) {
    return InvalidArgument("TLS_CERT_FILE " + cert_file + ": " + OpenSslReason());
  }
  if (SSL_CTX_use_PrivateKey_file(handle, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    return InvalidArgument("TLS_KEY_FILE " + key_file +
                           (mismatch ? " does not match TLS_CERT_FILE " + cert_file : "") + ": " +
                           OpenSslReason());
  }
  if (SSL_CTX_check_private_key(handle) != 1) {
    return InvalidArgument("TLS_KEY_FILE " + key_file + " does not match TLS_CERT_FILE " +
                           cert_file + ": " + OpenSslReason());
  }
  if (X509* leaf = SSL_CTX_get0_certificate(handle);
      leaf != nullptr && X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0) {
    spdlog::warn("TLS_CERT_FILE {}: the certificate has expired", cert_file);
  }
  WarnIfReadableByOthers(key_file);
  return context;
}

}  // namespace

Result<std::unique_ptr<TlsContext>> TlsContext::Load(std::string cert_file, std::string key_file) {
  GH_ASSIGN_OR_RETURN(std::shared_ptr<ssl::context> context, Build(cert_file, key_file));
  return std::unique_ptr<TlsContext>(  // NOLINT: private constructor
      new TlsContext(std::move(cert_file), std::move(key_file), std::move(context)));
}

TlsContext::TlsContext(std::string cert_file, std::string key_file,
                       std::shared_ptr<ssl::context> context)
    : cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      context_(std::move(context)) {}

std::shared_ptr<ssl::context> TlsContext::Current() const {
  ReaderLock lock(mu_);
  return context_;
}

Status TlsContext::Reload() {
  Result<std::shared_ptr<ssl::context>> context = Build(cert_file_, key_file_);
  if (!context) return context.error();
  MutexLock lock(mu_);
  context_ = std::move(context).value();
  return OkStatus();
}

}  // namespace gatehouse::http
