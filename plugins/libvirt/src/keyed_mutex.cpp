#include "keyed_mutex.h"

namespace gpucloud::plugins::libvirt
{

KeyedMutex::Guard::Guard(KeyedMutex& owner, std::string key, std::shared_ptr<Entry> entry)
	: _owner(&owner), _key(std::move(key)), _entry(std::move(entry))
{
}

KeyedMutex::Guard::Guard(Guard&& other) noexcept
	: _owner(other._owner), _key(std::move(other._key)), _entry(std::move(other._entry))
{
	other._owner = nullptr;
}

KeyedMutex::Guard::~Guard()
{
	if (_owner != nullptr && _entry)
		_owner->release(_key, _entry);
}

KeyedMutex::Guard KeyedMutex::lock(const std::string& key)
{
	std::shared_ptr<Entry> entry;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto& slot = _entries[key];
		if (!slot)
			slot = std::make_shared<Entry>();
		entry = slot;
		++entry->users;
	}
	entry->mutex.lock();
	return Guard(*this, key, entry);
}

void KeyedMutex::release(const std::string& key, const std::shared_ptr<Entry>& entry)
{
	entry->mutex.unlock();
	std::lock_guard<std::mutex> lock(_mutex);
	if (--entry->users == 0)
		_entries.erase(key);
}

} // namespace gpucloud::plugins::libvirt
