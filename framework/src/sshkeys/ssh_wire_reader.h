#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpucloud::sshkeys
{

/// Reads the length-prefixed fields of the SSH wire format (RFC 4251 section 5) from a key blob. Every read that
/// would pass the end of the blob throws InvalidSshKey naming the field.
class SshWireReader
{
public:
	explicit SshWireReader(const std::vector<unsigned char>& data) : _data(data) {}

	/// Reads a uint32 length and that many bytes.
	std::vector<unsigned char> readBytes(const char* field);

	/// Reads a length-prefixed string of printable ASCII.
	std::string readString(const char* field);

	bool atEnd() const { return _offset == _data.size(); }

private:
	const std::vector<unsigned char>& _data;
	std::size_t _offset = 0;
};

} // namespace gpucloud::sshkeys
