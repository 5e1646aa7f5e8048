#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm_record.h"

namespace gpucloud::plugins::mock
{

/// Content of the state file: every VM and the next VMID to hand out.
struct SavedState
{
	std::vector<VmRecord> vms;
	std::int64_t nextVmid = 1000;
};

/// Reads and writes the mock's VMs as JSON. A save writes a temporary file beside the target, flushes it to disk
/// and renames it over the target, so that a crash leaves either the old or the new state, never a torn file.
class StateFile
{
public:
	explicit StateFile(std::string path);

	const std::string& path() const { return _path; }

	/// Returns the saved state, or an empty state when the file does not exist. Throws BackendError(InvalidRequest)
	/// when the file cannot be read or parsed.
	SavedState load() const;

	/// Throws BackendError(Fatal) when the file cannot be written.
	void save(const std::vector<const VmRecord*>& vms, std::int64_t nextVmid) const;

private:
	std::string _path;
};

} // namespace gpucloud::plugins::mock
