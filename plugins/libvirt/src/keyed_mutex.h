#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gpucloud::plugins::libvirt
{

/// One mutex per key, created on first use and dropped when nobody holds or waits for it. Operations on the same
/// VM run one after another; operations on different VMs run in parallel.
class KeyedMutex
{
	struct Entry
	{
		std::mutex mutex;
		int users = 0;
	};

public:
	/// Holds the lock of one key until destroyed.
	class Guard
	{
	public:
		Guard(KeyedMutex& owner, std::string key, std::shared_ptr<Entry> entry);
		Guard(Guard&& other) noexcept;
		Guard(const Guard&) = delete;
		Guard& operator=(const Guard&) = delete;
		Guard& operator=(Guard&&) = delete;
		~Guard();

	private:
		KeyedMutex* _owner;
		std::string _key;
		std::shared_ptr<Entry> _entry;
	};

	/// Blocks until the lock of `key` is free, then returns a guard that holds it.
	Guard lock(const std::string& key);

private:
	void release(const std::string& key, const std::shared_ptr<Entry>& entry);

	std::mutex _mutex;
	std::map<std::string, std::shared_ptr<Entry>> _entries;
};

} // namespace gpucloud::plugins::libvirt
