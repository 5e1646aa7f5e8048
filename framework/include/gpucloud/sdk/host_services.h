#pragma once

#include <chrono>
#include <string>

namespace gpucloud::sdk
{

enum class LogLevel
{
	Debug,
	Information,
	Warning,
	Error,
};

/// Something a backend noticed on its own, outside of a call: a VM that powered off, a node that went away.
struct BackendEvent
{
	std::string kind;  ///< "vm_power_changed", "vm_missing", "node_offline", "node_online", ...
	std::string node;
	std::string vmId;
	std::string detail;
};

/// Services that the server offers to a plugin. The server owns the object and keeps it alive for as long as the
/// backend exists. Every method is thread-safe and may be called from any plugin thread.
class HostServices
{
public:
	virtual ~HostServices() = default;

	/// Writes one line to the backend's logger (`gpucloud.plugin.<instance>`). Never pass a secret.
	virtual void log(LogLevel level, const std::string& message) = 0;

	/// Reports an event; the reconciler treats it as a hint to look at the VM or node soon.
	virtual void publish(const BackendEvent& event) = 0;

	/// Returns the current time. Tests replace the clock, so plugins use this instead of reading the system clock
	/// when they compute deadlines that a test may want to control.
	virtual std::chrono::system_clock::time_point now() = 0;
};

} // namespace gpucloud::sdk
