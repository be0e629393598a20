-- wrk script: GET / (for bench/hello_server, the ceiling of HTTP verify).
function request()
  return wrk.format("GET", "/")
end
