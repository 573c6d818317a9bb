"""FlowSim's stand-in for the sglang package, for tests and demos of `flowsim profile`.

This is NOT sglang: it runs no model and profiles nothing. `sglang.launch_server` serves the HTTP
endpoints `flowsim profile` and `bench_serving` use and writes small hand-written traces in the
Kineto (PyTorch profiler) format; `sglang.bench_serving` drives it like the real benchmark. See
../../README.md.
"""
