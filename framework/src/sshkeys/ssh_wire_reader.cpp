#include "sshkeys/ssh_wire_reader.h"

#include "sshkeys/ssh_public_key.h"

namespace gpucloud::sshkeys
{

std::vector<unsigned char> SshWireReader::readBytes(const char* field)
{
	if (_data.size() - _offset < 4)
		throw InvalidSshKey(std::string("The key data ends before the length of the ") + field);
	std::uint32_t length = (std::uint32_t(_data[_offset]) << 24) | (std::uint32_t(_data[_offset + 1]) << 16)
		| (std::uint32_t(_data[_offset + 2]) << 8) | std::uint32_t(_data[_offset + 3]);
	_offset += 4;
	if (_data.size() - _offset < length)
		throw InvalidSshKey(std::string("The key data ends inside the ") + field);
	std::vector<unsigned char> bytes(_data.begin() + static_cast<std::ptrdiff_t>(_offset),
		_data.begin() + static_cast<std::ptrdiff_t>(_offset + length));
	_offset += length;
	return bytes;
}

std::string SshWireReader::readString(const char* field)
{
	std::vector<unsigned char> bytes = readBytes(field);
	for (unsigned char c : bytes)
	{
		if (c < 0x21 || c > 0x7e)
			throw InvalidSshKey(std::string("The ") + field + " inside the key data is not printable text");
	}
	return std::string(bytes.begin(), bytes.end());
}

} // namespace gpucloud::sshkeys
