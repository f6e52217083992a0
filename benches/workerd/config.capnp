# workerd's configuration for side-by-side.mjs: hello.mjs on one HTTP socket, whose address
# the script passes with --socket-addr.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .hello)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "main")],
);

const hello :Workerd.Worker = (
  modules = [(name = "hello.mjs", esModule = embed "hello.mjs")],
  compatibilityDate = "2026-04-20",
);
