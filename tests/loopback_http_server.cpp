#include "loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace moco::test {
namespace {

constexpr int kPollMs = 50;  // how often the serving thread checks whether to stop

void send_all(int socket, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(socket, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return;
    data += sent;
    size -= size_t(sent);
  }
}

std::string read_request(int client) {
  std::string request;
  char chunk[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(client, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    request.append(chunk, size_t(n));
  }
  return request;
}

// Holds the connection open, sending nothing, until the client closes it or the server stops.
void wait_for_hang_up(int client, const std::atomic<bool>& stop) {
  char byte;
  while (!stop) {
    pollfd readable{client, POLLIN, 0};
    if (::poll(&readable, 1, kPollMs) > 0 && ::recv(client, &byte, 1, 0) <= 0) return;
  }
}

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(std::string folder) : folder_(std::move(folder)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 8) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("loopback HTTP server: cannot listen on 127.0.0.1");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

void LoopbackHttpServer::serve() {
  while (!stop_) {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, kPollMs) <= 0) continue;
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    answer(client);
    ::close(client);
  }
}

void LoopbackHttpServer::answer(int client) {
  const std::string request = read_request(client);
  ++requests_;
  const auto path_start = request.find(' ') + 1, path_end = request.find(' ', path_start);
  const std::string path = request.substr(path_start, path_end - path_start);
  std::ifstream file(folder_ + path, std::ios::binary);
  if (path.find("..") != std::string::npos || !file) {
    const std::string missing = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send_all(client, missing.data(), missing.size());
    return;
  }
  const std::string body(std::istreambuf_iterator<char>(file), {});
  long long from = 0;
  const auto range = request.find("Range: bytes=");
  if (range != std::string::npos) {
    ++range_requests_;
    from = std::stoll(request.substr(range + 13));
  }
  const long long size = static_cast<long long>(body.size());
  std::string head;
  if (from >= size && from > 0) {
    head = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + std::to_string(size) + "\r\nContent-Length: 0\r\n";
  } else if (from > 0) {
    head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(from) + "-" + std::to_string(size - 1) + "/" +
           std::to_string(size) + "\r\nContent-Length: " + std::to_string(size - from) + "\r\n";
  } else {
    head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(size) + "\r\n";
  }
  head += "Connection: close\r\n\r\n";
  send_all(client, head.data(), head.size());
  if (from >= size) return;
  long long count = size - from;
  const long long drop = drop_after_.exchange(-1), stall = stall_after_.exchange(-1);
  if (drop >= 0 && drop < count) count = drop;
  if (stall >= 0 && stall < count) count = stall;
  send_all(client, body.data() + from, size_t(count));
  if (stall >= 0) wait_for_hang_up(client, stop_);
}

}  // namespace moco::test
