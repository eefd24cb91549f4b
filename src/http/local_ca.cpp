#include "http/local_ca.hpp"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace imhub {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(FILE* p) const { std::fclose(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using CertPtr = std::unique_ptr<X509, Free>;
using FilePtr = std::unique_ptr<FILE, Free>;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("local TLS: " + what); }

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("cannot generate a P-256 key");
  return key;
}

// Writes through a temporary name and renames, so a crash never leaves half a PEM file.
template <class WriteFn>
void write_pem(const std::string& path, mode_t mode, WriteFn&& write) {
  const std::string tmp = path + ".tmp";
  const mode_t old = ::umask(0077);
  FilePtr f(std::fopen(tmp.c_str(), "w"));
  ::umask(old);
  if (!f) fail("cannot create " + tmp);
  const bool ok = write(f.get()) == 1 && std::fflush(f.get()) == 0 && ::fsync(::fileno(f.get())) == 0;
  f.reset();
  if (!ok || ::chmod(tmp.c_str(), mode) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail("cannot write " + path);
  }
}

KeyPtr read_key(const std::string& path) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) fail("cannot read " + path);
  KeyPtr key(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
  if (!key) fail(path + " is not a PEM private key");
  return key;
}

CertPtr read_cert(const std::string& path) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) fail("cannot read " + path);
  CertPtr cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!cert) fail(path + " is not a PEM certificate");
  return cert;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr new_cert(const std::string& common_name, EVP_PKEY* key, long days) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400L);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("imhub"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                             -1, 0);
  return cert;
}

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// localhost, the loopback addresses, this machine's name and the public host.
std::string subject_alt_names(const std::string& public_host) {
  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  char name[256] = {};
  std::string machine = ::gethostname(name, sizeof name - 1) == 0 ? name : "";
  for (const std::string& h : {machine, public_host}) {
    if (h.empty() || h == "localhost" || h == "127.0.0.1" || h == "::1" || h.find(',') != std::string::npos) continue;
    const std::string entry = (is_ip(h) ? "IP:" : "DNS:") + h;
    if (san.find(entry) == std::string::npos) san += "," + entry;
  }
  return san;
}

void make_ca(const LocalTlsFiles& f) {
  KeyPtr key = new_key();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CertPtr ca = new_cert(std::string("imhub local CA (") + host + ")", key.get(), 3650);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(ca.get(), key.get(), EVP_sha256()) == 0) fail("cannot sign the CA certificate");
  write_pem(f.ca_key, 0600,
            [&](FILE* out) { return PEM_write_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  write_pem(f.ca_cert, 0644, [&](FILE* out) { return PEM_write_X509(out, ca.get()); });
}

void make_server_cert(const LocalTlsFiles& f, const std::string& public_host) {
  KeyPtr ca_key = read_key(f.ca_key);
  CertPtr ca = read_cert(f.ca_cert);
  KeyPtr key = new_key();
  CertPtr cert = new_cert(public_host.empty() ? "localhost" : public_host, key.get(), 825);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), ca.get(), NID_subject_alt_name, subject_alt_names(public_host));
  add_ext(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) fail("cannot sign the server certificate");
  write_pem(f.key, 0600,
            [&](FILE* out) { return PEM_write_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  write_pem(f.cert, 0644, [&](FILE* out) { return PEM_write_X509(out, cert.get()); });
}

}  // namespace

LocalTlsFiles local_tls_files(const std::string& data_dir) {
  return {data_dir + "/ca.pem", data_dir + "/ca.key", data_dir + "/server.pem", data_dir + "/server.key"};
}

bool ensure_local_tls(const std::string& data_dir, const std::string& public_host) {
  const LocalTlsFiles f = local_tls_files(data_dir);
  bool made = false;
  if (!exists(f.ca_cert) || !exists(f.ca_key)) {
    make_ca(f);
    made = true;
  }
  if (made || !exists(f.cert) || !exists(f.key)) {
    make_server_cert(f, public_host);
    made = true;
  }
  return made;
}

}  // namespace imhub
