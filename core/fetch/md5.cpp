#include "fetch/md5.h"

#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#ifdef MOCO_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

namespace moco {

#ifdef MOCO_HAVE_OPENSSL
std::string file_md5(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "' to compute its MD5");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not start an MD5 digest for '" + path + "'");
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), chunk.data(), size_t(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error("error reading '" + path + "' to compute its MD5");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}
#else
std::string file_md5(const std::string& path) {
  throw std::runtime_error("cannot check the MD5 of '" + path +
                           "': this build has no OpenSSL (install libssl-dev and rebuild)");
}
#endif

}  // namespace moco
