// A certificate authority of this installation and a server certificate signed by it, so that a
// local imhub speaks https that the official SDKs accept (issue 11): they refuse http:// or
// hard-code https, and trust DATA/ca.pem through NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE.
//
//   DATA/ca.pem       the CA certificate (public; what clients trust)
//   DATA/ca.key       its private key (0600)
//   DATA/server.pem   the server certificate for localhost, 127.0.0.1, ::1 and the public host
//   DATA/server.key   its private key (0600)
//
// EC P-256 keys, SHA-256 signatures; the CA lasts ten years, the server certificate 825 days
// (the longest Apple's clients accept). All OpenSSL calls are in local_ca.cpp.
#pragma once

#include <string>

namespace imhub {

struct LocalTlsFiles {
  std::string ca_cert, ca_key, cert, key;
};

LocalTlsFiles local_tls_files(const std::string& data_dir);

// Creates whatever of the four files is missing (a new server certificate whenever the CA is
// new). `public_host` is added to the certificate's names when it is not one of the built-in
// ones. Returns true when it created anything. Throws std::runtime_error on failure.
bool ensure_local_tls(const std::string& data_dir, const std::string& public_host);

}  // namespace imhub
