#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace gpucloud::util
{

/// Raised by BoundedExecutor::submit() when the queue is full.
class ExecutorSaturated : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// A fixed set of worker threads with a bounded queue, for CPU- or memory-heavy work (such as password hashing)
/// that must not run on request threads without limit. submit() never blocks: when `queueLimit` tasks are already
/// waiting it throws ExecutorSaturated, so that the caller can answer "busy" at once. Thread-safe.
class BoundedExecutor
{
public:
	/// `workers` 0 means one per hardware thread.
	BoundedExecutor(std::string name, std::size_t workers, std::size_t queueLimit);

	/// Finishes the tasks already queued, then joins the workers.
	~BoundedExecutor();

	BoundedExecutor(const BoundedExecutor&) = delete;
	BoundedExecutor& operator=(const BoundedExecutor&) = delete;

	/// Queues `task` and returns its future; the future rethrows what the task threw.
	template <class Task>
	auto submit(Task task) -> std::future<std::invoke_result_t<Task>>;

	std::size_t workerCount() const { return _workers.size(); }

private:
	void enqueue(std::function<void()> job);
	void run();

	std::string _name;
	std::size_t _queueLimit;
	std::mutex _mutex;
	std::condition_variable _wake;
	std::deque<std::function<void()>> _queue;
	bool _stopping = false;
	std::vector<std::thread> _workers;
};

template <class Task>
auto BoundedExecutor::submit(Task task) -> std::future<std::invoke_result_t<Task>>
{
	using Result = std::invoke_result_t<Task>;
	auto packaged = std::make_shared<std::packaged_task<Result()>>(std::move(task));
	std::future<Result> future = packaged->get_future();
	enqueue([packaged] { (*packaged)(); });
	return future;
}

} // namespace gpucloud::util
