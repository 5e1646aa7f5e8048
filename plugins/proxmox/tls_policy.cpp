#include "tls_policy.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <Poco/Net/SSLManager.h>

namespace gpucloud::plugins::proxmox
{

namespace
{

thread_local std::string pinFailure;

int fingerprintIndex()
{
	static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
	return index;
}

std::vector<unsigned char> certificateFingerprint(X509* certificate)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1)
		return {};
	return std::vector<unsigned char>(digest, digest + length);
}

/// Accepts the chain when the server's own certificate (depth 0) has the pinned SHA-256 fingerprint. The chain and
/// the host name are not checked: the pin replaces both, as with Proxmox's own node-to-node connections.
int verifyPinnedCertificate(int /*preverified*/, X509_STORE_CTX* store)
{
	if (X509_STORE_CTX_get_error_depth(store) != 0)
		return 1;
	auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
	auto* expected = static_cast<const std::vector<unsigned char>*>(
		SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), fingerprintIndex()));
	std::vector<unsigned char> presented = certificateFingerprint(X509_STORE_CTX_get_current_cert(store));
	if (expected != nullptr && presented == *expected)
	{
		pinFailure.clear();
		return 1;
	}
	pinFailure = "the server certificate has the SHA-256 fingerprint " + formatFingerprint(presented)
		+ ", which does not match the pinned fingerprint";
	return 0;
}

Poco::Net::Context::Params contextParams(const ProxmoxSettings& settings)
{
	Poco::Net::Context::Params params;
	params.verificationDepth = 9;
	params.cipherList = "HIGH:!aNULL:!MD5";
	switch (settings.tlsMode)
	{
	case TlsMode::SystemCa:
		params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
		params.loadDefaultCAs = true;
		break;
	case TlsMode::CaFile:
		params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
		params.caLocation = settings.caFile;
		params.loadDefaultCAs = false;
		break;
	case TlsMode::Fingerprint:
	case TlsMode::Insecure:
		params.verificationMode = Poco::Net::Context::VERIFY_NONE;
		params.loadDefaultCAs = false;
		break;
	}
	return params;
}

} // namespace

TlsPolicy::TlsPolicy(const ProxmoxSettings& settings) : _fingerprint(settings.fingerprint)
{
	Poco::Net::initializeSSL();
	_context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, contextParams(settings));
	_context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3
		| Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
	if (settings.tlsMode == TlsMode::Fingerprint)
	{
		SSL_CTX* ssl = _context->sslContext();
		SSL_CTX_set_ex_data(ssl, fingerprintIndex(), &_fingerprint);
		SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER, &verifyPinnedCertificate);
	}
}

TlsPolicy::~TlsPolicy()
{
	_context.reset();
	Poco::Net::uninitializeSSL();
}

std::string TlsPolicy::lastPinFailure()
{
	return pinFailure;
}

std::string formatFingerprint(const std::vector<unsigned char>& bytes)
{
	static const char* const hex = "0123456789ABCDEF";
	std::string text;
	for (unsigned char byte : bytes)
	{
		if (!text.empty())
			text += ':';
		text += hex[byte >> 4];
		text += hex[byte & 0x0F];
	}
	return text;
}

} // namespace gpucloud::plugins::proxmox
