#pragma once

#include <string>

namespace gpucloud::app
{

/// A worker that runs beside the HTTP server: the job runner, the billing meter, the reconciler.
class BackgroundService
{
public:
	virtual ~BackgroundService() = default;

	virtual std::string name() const = 0;

	/// Starts the service's threads. Called once, after the database is migrated and before the HTTP server
	/// accepts requests.
	virtual void start() = 0;

	/// Asks the service to stop and waits until its threads have reached a safe point and ended. Called once,
	/// after the HTTP server has stopped and before the database is closed. Must not throw.
	virtual void stop() = 0;
};

} // namespace gpucloud::app
