#include "catalogue/sql_allocation_cache.h"

#include <Poco/Data/Session.h>

namespace gpucloud::catalogue
{

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

SqlAllocationCache::SqlAllocationCache(db::Database& database, std::chrono::milliseconds maxAge, Clock clock)
	: _database(database), _maxAge(maxAge), _clock(std::move(clock))
{
}

std::shared_ptr<const AllocationCounts> SqlAllocationCache::counts()
{
	std::shared_ptr<const Loaded> loaded = std::atomic_load(&_loaded);
	if (loaded && isFresh(*loaded))
		return loaded->counts;

	// Counts that only aged are still right for this server's own writes, so while another thread reloads them
	// the readers go on with the old ones instead of queueing behind the query.
	if (loaded && loaded->generation == _generation.load())
	{
		std::unique_lock<std::mutex> lock(_reloadMutex, std::try_to_lock);
		if (!lock.owns_lock())
			return loaded->counts;
		return reloadLocked()->counts;
	}

	std::lock_guard<std::mutex> lock(_reloadMutex);
	return reloadLocked()->counts;
}

void SqlAllocationCache::invalidate()
{
	_generation.fetch_add(1);
}

bool SqlAllocationCache::isFresh(const Loaded& loaded) const
{
	return loaded.generation == _generation.load() && _clock() - loaded.loadedAt < _maxAge;
}

std::shared_ptr<const SqlAllocationCache::Loaded> SqlAllocationCache::reloadLocked()
{
	std::shared_ptr<const Loaded> current = std::atomic_load(&_loaded);
	if (current && isFresh(*current))
		return current;

	auto next = std::make_shared<Loaded>();
	next->generation = _generation.load();
	next->loadedAt = _clock();

	std::vector<std::string> nodes;
	std::vector<std::string> gpuTypes;
	std::vector<Poco::Int64> allocated;
	Poco::Data::Session session = _database.session();
	session << "SELECT node, gpu_type, COUNT(*) FROM gpu_allocations GROUP BY node, gpu_type", into(nodes),
		into(gpuTypes), into(allocated), now;

	auto counts = std::make_shared<AllocationCounts>();
	for (std::size_t i = 0; i < nodes.size(); ++i)
		(*counts)[nodes[i]][gpuTypes[i]] = static_cast<std::uint32_t>(allocated[i]);
	next->counts = std::move(counts);

	std::atomic_store(&_loaded, std::shared_ptr<const Loaded>(next));
	return next;
}

} // namespace gpucloud::catalogue
