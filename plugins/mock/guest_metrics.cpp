#include "guest_metrics.h"

#include <algorithm>
#include <cmath>

namespace gpucloud::plugins::mock
{

namespace
{

constexpr double kPi = 3.14159265358979323846;

// FNV-1a: stable across platforms and runs, unlike std::hash.
std::uint64_t hash(const std::string& text, std::uint64_t salt)
{
	std::uint64_t value = 14695981039346656037ull ^ salt;
	for (unsigned char c : text)
	{
		value ^= c;
		value *= 1099511628211ull;
	}
	return value;
}

// Returns a number in [0, 1) derived from the VM id and a salt.
double unit(const std::string& vmId, std::uint64_t salt)
{
	return static_cast<double>(hash(vmId, salt) % 10000) / 10000.0;
}

// A slow wave around `base` with the given amplitude and a period of 10 to 30 minutes chosen per VM.
double drift(const std::string& vmId, std::uint64_t salt, std::int64_t nowMs, double base, double amplitude)
{
	double periodMs = (10.0 + 20.0 * unit(vmId, salt + 1)) * 60000.0;
	double phase = 2 * kPi * unit(vmId, salt + 2);
	return base + amplitude * std::sin(2 * kPi * static_cast<double>(nowMs) / periodMs + phase);
}

} // namespace

std::string guestIpAddress(std::int64_t vmid)
{
	std::int64_t slot = vmid % (254 * 254);
	return "10.66." + std::to_string(slot / 254) + "." + std::to_string(slot % 254 + 1);
}

double guestCpuPercent(const std::string& vmId, std::int64_t nowMs)
{
	double base = 10.0 + 60.0 * unit(vmId, 11);
	return std::clamp(drift(vmId, 11, nowMs, base, 20.0), 2.0, 98.0);
}

double guestRamPercent(const std::string& vmId, std::int64_t nowMs)
{
	double base = 30.0 + 50.0 * unit(vmId, 23);
	return std::clamp(drift(vmId, 23, nowMs, base, 5.0), 20.0, 95.0);
}

std::uint64_t guestNetworkBytes(const std::string& vmId, bool transmit, std::int64_t startedAtMs, std::int64_t nowMs)
{
	if (startedAtMs <= 0 || nowMs <= startedAtMs)
		return 0;
	// Between 10 kB/s and 5 MB/s, per direction and VM.
	double bytesPerSecond = 10000.0 + 4990000.0 * unit(vmId, transmit ? 37 : 41);
	return static_cast<std::uint64_t>(bytesPerSecond * static_cast<double>(nowMs - startedAtMs) / 1000.0);
}

} // namespace gpucloud::plugins::mock
