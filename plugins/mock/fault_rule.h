#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::mock
{

enum class FaultAction
{
	Fail,   ///< throw BackendError of `errorKind`
	Delay,  ///< wait `duration`, then go on
	Hang,   ///< block for `duration` (or the backend's hang timeout), then throw Unavailable
	Lose,   ///< let the call succeed, then remove the VM as if someone deleted it behind the backend's back
};

/// One scripted fault of one operation, such as "fail unavailable on call 3".
///
/// Syntax: `<action> [<argument>] [on call N | from call N]`, where the action is `fail <error kind>`,
/// `delay <duration>`, `hang [<duration>]` or `lose`. A duration is a whole number followed by `ms` or `s`.
/// Without a call clause the rule applies to every call. Calls are counted per operation from 1.
struct FaultRule
{
	FaultAction action = FaultAction::Fail;
	sdk::ErrorKind errorKind = sdk::ErrorKind::Fatal;
	std::chrono::milliseconds duration{0};  ///< for Delay and Hang; zero for Hang means the default hang timeout
	std::uint64_t firstCall = 1;
	bool repeats = true;  ///< false for "on call N", true for "from call N" and for rules without a call clause

	bool matches(std::uint64_t call) const { return repeats ? call >= firstCall : call == firstCall; }

	/// Returns the rule in the configuration syntax, for log lines.
	std::string describe() const;
};

/// A fault rule that does not follow the syntax. The message names the part that is wrong.
class FaultSyntaxError : public std::invalid_argument
{
public:
	using std::invalid_argument::invalid_argument;
};

/// Parses rules separated by ';', such as "fail conflict on call 1; delay 200ms from call 2".
/// Throws FaultSyntaxError.
std::vector<FaultRule> parseFaultRules(const std::string& text);

/// Parses "250ms" or "3s". Throws FaultSyntaxError.
std::chrono::milliseconds parseDuration(const std::string& text);

} // namespace gpucloud::plugins::mock
