#include "fault_rule.h"

#include <sstream>

#include "config_reader.h"

namespace gpucloud::plugins::mock
{

namespace
{

const sdk::ErrorKind kErrorKinds[] = {sdk::ErrorKind::NotFound, sdk::ErrorKind::Conflict, sdk::ErrorKind::Unavailable,
	sdk::ErrorKind::CapacityExhausted, sdk::ErrorKind::InvalidRequest, sdk::ErrorKind::NotSupported,
	sdk::ErrorKind::Fatal};

sdk::ErrorKind parseErrorKind(const std::string& text)
{
	for (sdk::ErrorKind kind : kErrorKinds)
	{
		if (text == sdk::errorKindName(kind))
			return kind;
	}
	throw FaultSyntaxError("unknown error kind '" + text
		+ "'; use not_found, conflict, unavailable, capacity_exhausted, invalid_request, not_supported or fatal");
}

std::uint64_t parseCallNumber(const std::string& text)
{
	std::uint64_t number = 0;
	if (!parseUnsigned(text, number) || number == 0)
		throw FaultSyntaxError("call number '" + text + "' is not a whole number of at least 1");
	return number;
}

bool isDuration(const std::string& word)
{
	return !word.empty() && word[0] >= '0' && word[0] <= '9';
}

std::string formatDuration(std::chrono::milliseconds duration)
{
	return std::to_string(duration.count()) + "ms";
}

// Reads the optional "on call N" / "from call N" clause that starts at words[position].
void parseCallClause(const std::vector<std::string>& words, std::size_t position, FaultRule& rule)
{
	if (position == words.size())
		return;
	if (words.size() - position != 3 || words[position + 1] != "call"
		|| (words[position] != "on" && words[position] != "from"))
	{
		std::string rest;
		for (std::size_t i = position; i < words.size(); ++i)
			rest += (rest.empty() ? "" : " ") + words[i];
		throw FaultSyntaxError("expected 'on call N' or 'from call N' but found '" + rest + "'");
	}
	rule.repeats = words[position] == "from";
	rule.firstCall = parseCallNumber(words[position + 2]);
}

FaultRule parseRule(const std::string& text)
{
	std::istringstream stream(text);
	std::vector<std::string> words;
	for (std::string word; stream >> word;)
		words.push_back(word);

	FaultRule rule;
	const std::string& action = words.at(0);
	std::size_t position = 1;
	if (action == "fail")
	{
		if (words.size() < 2)
			throw FaultSyntaxError("'fail' needs an error kind, as in 'fail unavailable'");
		rule.action = FaultAction::Fail;
		rule.errorKind = parseErrorKind(words[1]);
		position = 2;
	}
	else if (action == "delay")
	{
		if (words.size() < 2)
			throw FaultSyntaxError("'delay' needs a duration, as in 'delay 500ms'");
		rule.action = FaultAction::Delay;
		rule.duration = parseDuration(words[1]);
		position = 2;
	}
	else if (action == "hang")
	{
		rule.action = FaultAction::Hang;
		if (words.size() > 1 && isDuration(words[1]))
		{
			rule.duration = parseDuration(words[1]);
			position = 2;
		}
	}
	else if (action == "lose")
	{
		rule.action = FaultAction::Lose;
	}
	else
	{
		throw FaultSyntaxError("unknown fault action '" + action + "'; use fail, delay, hang or lose");
	}
	parseCallClause(words, position, rule);
	return rule;
}

} // namespace

std::string FaultRule::describe() const
{
	std::string text;
	switch (action)
	{
	case FaultAction::Fail: text = std::string("fail ") + sdk::errorKindName(errorKind); break;
	case FaultAction::Delay: text = "delay " + formatDuration(duration); break;
	case FaultAction::Hang: text = duration.count() > 0 ? "hang " + formatDuration(duration) : "hang"; break;
	case FaultAction::Lose: text = "lose"; break;
	}
	if (!repeats)
		text += " on call " + std::to_string(firstCall);
	else if (firstCall > 1)
		text += " from call " + std::to_string(firstCall);
	return text;
}

std::vector<FaultRule> parseFaultRules(const std::string& text)
{
	std::vector<FaultRule> rules;
	for (const std::string& item : splitList(text, ';'))
		rules.push_back(parseRule(item));
	if (rules.empty())
		throw FaultSyntaxError("no fault rule given");
	return rules;
}

std::chrono::milliseconds parseDuration(const std::string& text)
{
	std::size_t digits = 0;
	while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
		++digits;
	std::uint64_t amount = 0;
	std::string unit = text.substr(digits);
	if (!parseUnsigned(text.substr(0, digits), amount) || (unit != "ms" && unit != "s"))
		throw FaultSyntaxError("duration '" + text + "' is not a whole number followed by 'ms' or 's'");
	if (amount > 24ull * 3600 * 1000)
		throw FaultSyntaxError("duration '" + text + "' is longer than one day");
	return std::chrono::milliseconds(unit == "s" ? amount * 1000 : amount);
}

} // namespace gpucloud::plugins::mock
