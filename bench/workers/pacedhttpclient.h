#pragma once

#include <cstdint>
#include <string>
#include <vector>

// An open-loop HTTP/1.1 load generator in the manner of wrk2: request i is due at
// start + i / rate, and its latency counts from that due time, not from when a free
// connection sent it, so a stall shows up in the percentiles instead of slowing the
// load down (no coordinated omission). Keep-alive connections over loopback, one thread,
// epoll with nanosecond timeouts; with rate 0 every connection keeps one request in
// flight (closed loop), for throughput at saturation.
class PacedHttpClient {
public:
    struct Options {
        uint16_t port = 0;
        int connections = 16;
        double rate = 1000;          // requests/s; 0 = as fast as the connections allow
        double seconds = 5;
        std::vector<std::string> requests; // complete HTTP requests, used round robin
    };
    struct Result {
        std::vector<double> latenciesMs; // of the 200 answers, in completion order
        int64_t sent = 0;
        int64_t errors = 0;              // non-200 answers and broken connections
        double elapsedSeconds = 0;
    };

    static Result run(const Options &options);
    static double percentile(std::vector<double> values, double fraction);
};
