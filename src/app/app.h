#pragma once
// App: the composition root. Turns a Config into running objects — the Services (app/services.h:
// the clock, the store named by DATABASE, the keys, the verifier, the router, ...), the HTTP
// server over their router, and the periodic tasks (key rotation, the collector) — and owns them.
//
//   GH_ASSIGN_OR_RETURN(auto app, App::Create(config));
//   GH_RETURN_IF_ERROR(app->Start());  // binds, prints the address
//   app->Run();                        // until SIGINT/SIGTERM
//
// Thread-safety: Create/Start/Run from one thread; Stop from any.

#include <cstdint>
#include <memory>

#include "common/result.h"
#include "http/router.h"
#include "runtime/config.h"

namespace gatehouse::app {

class App {
 public:
  static Result<std::unique_ptr<App>> Create(const Config& config);
  ~App();

  Status Start();
  void Run();
  void Stop();
  std::uint16_t port() const;
  const http::Router& router() const;

  struct Parts;

 private:
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace gatehouse::app
