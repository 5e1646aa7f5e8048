#include "support/temp_dir.h"

#include <fstream>

#include "util/random.h"

namespace gpucloud::testing
{

TempDir::TempDir() : _path(std::filesystem::temp_directory_path() / ("gpucloud-test-" + util::randomHex(8)))
{
	std::filesystem::create_directories(_path);
}

TempDir::~TempDir()
{
	std::error_code ignored;
	std::filesystem::remove_all(_path, ignored);
}

std::filesystem::path TempDir::writeFile(const std::string& name, const std::string& content) const
{
	std::filesystem::path file = _path / name;
	if (file.has_parent_path())
		std::filesystem::create_directories(file.parent_path());
	std::ofstream out(file, std::ios::binary);
	out << content;
	return file;
}

} // namespace gpucloud::testing
