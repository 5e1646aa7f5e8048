#include "util/bounded_executor.h"

namespace gpucloud::util
{

BoundedExecutor::BoundedExecutor(std::string name, std::size_t workers, std::size_t queueLimit)
	: _name(std::move(name)), _queueLimit(queueLimit)
{
	if (workers == 0)
		workers = std::max(1u, std::thread::hardware_concurrency());
	_workers.reserve(workers);
	for (std::size_t i = 0; i < workers; ++i)
		_workers.emplace_back([this] { run(); });
}

BoundedExecutor::~BoundedExecutor()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	for (std::thread& worker : _workers)
		worker.join();
}

void BoundedExecutor::enqueue(std::function<void()> job)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping)
			throw ExecutorSaturated("Executor '" + _name + "' is stopping");
		if (_queue.size() >= _queueLimit)
			throw ExecutorSaturated("Executor '" + _name + "' has " + std::to_string(_queue.size()) + " queued tasks");
		_queue.push_back(std::move(job));
	}
	_wake.notify_one();
}

void BoundedExecutor::run()
{
	for (;;)
	{
		std::function<void()> job;
		{
			std::unique_lock<std::mutex> lock(_mutex);
			_wake.wait(lock, [this] { return _stopping || !_queue.empty(); });
			if (_queue.empty())
				return;
			job = std::move(_queue.front());
			_queue.pop_front();
		}
		// A packaged_task stores its exception in the future, so a job never throws here.
		job();
	}
}

} // namespace gpucloud::util
