#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "catalogue/inventory.h"
#include "db/database.h"

namespace gpucloud::catalogue
{

/// AllocationCache over the gpu_allocations table. A read returns the cached counts with one atomic load. It reloads
/// them with one grouped query when a writer invalidated them or when they are older than `maxAge`, so allocations
/// written by other servers on the same database appear within `maxAge`. Only one thread reloads at a
/// time. After an invalidation the other readers wait for its result; counts that merely aged are served to them
/// while the reload runs.
class SqlAllocationCache : public AllocationCache
{
public:
	using Clock = std::function<std::chrono::steady_clock::time_point()>;

	SqlAllocationCache(db::Database& database, std::chrono::milliseconds maxAge, Clock clock = std::chrono::steady_clock::now);

	/// Throws what the database throws when a reload fails.
	std::shared_ptr<const AllocationCounts> counts() override;
	void invalidate() override;

private:
	struct Loaded
	{
		std::shared_ptr<const AllocationCounts> counts;
		std::chrono::steady_clock::time_point loadedAt;
		std::uint64_t generation = 0;  // value of _generation when the query started
	};

	bool isFresh(const Loaded& loaded) const;
	/// Queries the counts unless another thread did while this one waited. The caller holds _reloadMutex.
	std::shared_ptr<const Loaded> reloadLocked();

	db::Database& _database;
	std::chrono::milliseconds _maxAge;
	Clock _clock;
	std::atomic<std::uint64_t> _generation{1};
	std::mutex _reloadMutex;
	std::shared_ptr<const Loaded> _loaded;  // accessed only through std::atomic_load/atomic_store
};

} // namespace gpucloud::catalogue
