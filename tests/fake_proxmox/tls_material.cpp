#include "tls_material.h"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace gpucloud::testing::proxmox
{

namespace
{

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* step)
{
	if (!ok)
		throw std::runtime_error(std::string("Generating the fake Proxmox certificates failed at ") + step);
}

KeyPtr generateKey()
{
	KeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
	check(key != nullptr, "EVP_EC_gen");
	return key;
}

void addExtension(X509* certificate, X509* issuer, int id, const char* value)
{
	X509V3_CTX context;
	X509V3_set_ctx_nodb(&context);
	X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
	X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, id, value);
	check(extension != nullptr, "X509V3_EXT_conf_nid");
	X509_add_ext(certificate, extension, -1);
	X509_EXTENSION_free(extension);
}

CertPtr makeCertificate(EVP_PKEY* key, const std::string& commonName, long serial, X509* issuer, EVP_PKEY* issuerKey,
	bool isCa)
{
	CertPtr certificate(X509_new(), &X509_free);
	X509_set_version(certificate.get(), 2);
	ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial);
	X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
	X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 7L * 24 * 3600);
	X509_set_pubkey(certificate.get(), key);
	X509_NAME* name = X509_get_subject_name(certificate.get());
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("gpucloud fake PVE"),
		-1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName.c_str()),
		-1, -1, 0);
	X509* signer = issuer ? issuer : certificate.get();
	X509_set_issuer_name(certificate.get(), X509_get_subject_name(signer));
	if (isCa)
	{
		addExtension(certificate.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
		addExtension(certificate.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	else
	{
		addExtension(certificate.get(), signer, NID_basic_constraints, "CA:FALSE");
		addExtension(certificate.get(), signer, NID_ext_key_usage, "serverAuth");
		addExtension(certificate.get(), signer, NID_subject_alt_name,
			("IP:127.0.0.1,IP:::1,DNS:localhost,DNS:" + commonName).c_str());
	}
	check(X509_sign(certificate.get(), issuerKey, EVP_sha256()) > 0, "X509_sign");
	return certificate;
}

void writeCertificate(const std::string& path, X509* certificate)
{
	FILE* file = std::fopen(path.c_str(), "w");
	check(file != nullptr, "opening a certificate file");
	bool ok = PEM_write_X509(file, certificate) == 1;
	std::fclose(file);
	check(ok, "PEM_write_X509");
}

void writeKey(const std::string& path, EVP_PKEY* key)
{
	FILE* file = std::fopen(path.c_str(), "w");
	check(file != nullptr, "opening the key file");
	bool ok = PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
	std::fclose(file);
	check(ok, "PEM_write_PrivateKey");
}

std::string fingerprint(X509* certificate)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	check(X509_digest(certificate, EVP_sha256(), digest, &length) == 1, "X509_digest");
	static const char* const hex = "0123456789ABCDEF";
	std::string text;
	for (unsigned int i = 0; i < length; ++i)
	{
		if (i)
			text += ':';
		text += hex[digest[i] >> 4];
		text += hex[digest[i] & 0x0F];
	}
	return text;
}

} // namespace

TlsMaterial TlsMaterial::generate(const std::string& directory, const std::string& commonName)
{
	KeyPtr caKey = generateKey();
	CertPtr ca = makeCertificate(caKey.get(), "Proxmox Virtual Environment fake CA", 1, nullptr, caKey.get(), true);
	KeyPtr serverKey = generateKey();
	CertPtr server = makeCertificate(serverKey.get(), commonName, 2, ca.get(), caKey.get(), false);

	TlsMaterial material;
	material.directory = directory;
	material.caCertificateFile = directory + "/pve-root-ca.pem";
	material.serverCertificateFile = directory + "/pve-ssl.pem";
	material.serverKeyFile = directory + "/pve-ssl.key";
	writeCertificate(material.caCertificateFile, ca.get());
	writeCertificate(material.serverCertificateFile, server.get());
	writeKey(material.serverKeyFile, serverKey.get());
	material.serverFingerprint = fingerprint(server.get());
	return material;
}

} // namespace gpucloud::testing::proxmox
