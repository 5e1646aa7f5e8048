#pragma once

#include <filesystem>
#include <string>

namespace gpucloud::testing
{

/// A fresh folder under the system's temporary folder, removed with its contents on destruction.
class TempDir
{
public:
	TempDir();
	~TempDir();

	TempDir(const TempDir&) = delete;
	TempDir& operator=(const TempDir&) = delete;

	const std::filesystem::path& path() const { return _path; }

	/// Writes `content` to `name` inside the folder and returns the file's path.
	std::filesystem::path writeFile(const std::string& name, const std::string& content) const;

private:
	std::filesystem::path _path;
};

} // namespace gpucloud::testing
