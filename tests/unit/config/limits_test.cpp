// Tests for Settings::limits_for: exact key, then bare host, then defaults, per field.
#include <gtest/gtest.h>

#include "config/settings.hpp"

namespace atbackfill::config {
namespace {

Settings with_hosts() {
  Settings settings;
  settings.default_limits = {100, 2};
  settings.host_limits["comind.network"] = {300, std::nullopt};
  settings.host_limits["localhost"] = {50, 4};
  settings.host_limits["localhost:2583"] = {std::nullopt, 8};
  settings.host_limits["[::1]"] = {7, std::nullopt};
  return settings;
}

TEST(LimitsFor, UnknownHostGetsDefaults) {
  const auto limits = with_hosts().limits_for("other.example");
  EXPECT_EQ(limits.requests_per_minute, 100);
  EXPECT_EQ(limits.max_concurrent, 2);
}

TEST(LimitsFor, ExactKeyWinsFieldByField) {
  const auto limits = with_hosts().limits_for("comind.network");
  EXPECT_EQ(limits.requests_per_minute, 300);
  EXPECT_EQ(limits.max_concurrent, 2);  // not set for the host: the default
}

TEST(LimitsFor, HostWithPortFallsBackToBareHostThenDefault) {
  const auto settings = with_hosts();
  const auto with_port = settings.limits_for("localhost:2583");
  EXPECT_EQ(with_port.max_concurrent, 8);        // from "localhost:2583"
  EXPECT_EQ(with_port.requests_per_minute, 50);  // from "localhost"
  const auto other_port = settings.limits_for("localhost:9999");
  EXPECT_EQ(other_port.max_concurrent, 4);
  EXPECT_EQ(other_port.requests_per_minute, 50);
  const auto comind_port = settings.limits_for("comind.network:8443");
  EXPECT_EQ(comind_port.requests_per_minute, 300);
  EXPECT_EQ(comind_port.max_concurrent, 2);
}

TEST(LimitsFor, BareHostDoesNotUsePortSpecificEntries) {
  Settings settings;
  settings.host_limits["pds.example:8080"] = {10, 10};
  const auto limits = settings.limits_for("pds.example");
  EXPECT_EQ(limits.requests_per_minute, 100);
  EXPECT_EQ(limits.max_concurrent, 2);
}

TEST(LimitsFor, BracketedIpv6WithPort) {
  const auto limits = with_hosts().limits_for("[::1]:2583");
  EXPECT_EQ(limits.requests_per_minute, 7);
  EXPECT_EQ(limits.max_concurrent, 2);
}

TEST(LimitsFor, KeysAreCaseInsensitive) {
  EXPECT_EQ(with_hosts().limits_for("Comind.Network").requests_per_minute, 300);
}

TEST(LimitsFor, DefaultsOfADefaultConstructedSettings) {
  const Settings settings;
  const auto limits = settings.limits_for("anything");
  EXPECT_EQ(limits.requests_per_minute, 100);
  EXPECT_EQ(limits.max_concurrent, 2);
}

}  // namespace
}  // namespace atbackfill::config
