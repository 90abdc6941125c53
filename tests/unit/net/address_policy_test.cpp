// Tests for the address classification that keeps requests off internal networks.
#include <gtest/gtest.h>

#include "net/address_policy.hpp"

namespace atbackfill::net {
namespace {

bool special(const char* text) {
  return special_range(boost::asio::ip::make_address(text)) != nullptr;
}

TEST(SpecialRange, Ipv4NonPublic) {
  for (const char* a : {"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "10.0.0.1",
                        "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "100.64.0.1", "100.127.255.255", "169.254.169.254", "192.0.0.8",
                        "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.19.255.255",
                        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255"})
    EXPECT_TRUE(special(a)) << a;
}

TEST(SpecialRange, Ipv4Public) {
  for (const char* a : {"1.1.1.1", "8.8.8.8", "172.15.255.255", "172.32.0.0", "100.63.255.255",
                        "100.128.0.0", "192.167.255.255", "192.169.0.0", "169.253.0.1",
                        "198.17.255.255", "198.20.0.0", "223.255.255.255", "11.0.0.0"})
    EXPECT_FALSE(special(a)) << a;
}

TEST(SpecialRange, Ipv6NonPublic) {
  for (const char* a : {"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
                        "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
                        "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::10.0.0.1"})
    EXPECT_TRUE(special(a)) << a;
}

TEST(SpecialRange, Ipv6Public) {
  for (const char* a : {"2606:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8",
                        "64:ff9b::8.8.8.8", "fbff::1", "2001:db9::1"})
    EXPECT_FALSE(special(a)) << a;
}

TEST(SpecialRange, NamesTheRange) {
  EXPECT_STREQ(special_range(boost::asio::ip::make_address("127.0.0.1")), "loopback");
  EXPECT_STREQ(special_range(boost::asio::ip::make_address("10.0.0.1")), "private");
  EXPECT_STREQ(special_range(boost::asio::ip::make_address("fe80::1")), "link-local");
}

TEST(AddressPolicy, RefusesPrivateAddressesOfUnlistedHosts) {
  const AddressPolicy policy({"localhost", "127.0.0.1", "[::1]"});
  const auto loopback = boost::asio::ip::make_address("127.0.0.1");
  EXPECT_TRUE(policy.allows("localhost", loopback));
  EXPECT_TRUE(policy.allows("LocalHost", loopback));
  EXPECT_TRUE(policy.allows("127.0.0.1", loopback));
  EXPECT_TRUE(policy.allows("::1", boost::asio::ip::make_address("::1")));
  EXPECT_FALSE(policy.allows("evil.example", loopback));
  EXPECT_FALSE(policy.allows("localhost.evil.example", loopback));
  EXPECT_FALSE(policy.allows("127.0.0.2", boost::asio::ip::make_address("127.0.0.2")));
  EXPECT_TRUE(policy.allows("evil.example", boost::asio::ip::make_address("93.184.216.34")));
}

TEST(AddressPolicy, EmptyAllowListRefusesAllSpecialAddresses) {
  const AddressPolicy policy;
  EXPECT_FALSE(policy.allows("localhost", boost::asio::ip::make_address("127.0.0.1")));
  EXPECT_FALSE(policy.allows("x", boost::asio::ip::make_address("::ffff:192.168.0.1")));
  EXPECT_TRUE(policy.allows("x", boost::asio::ip::make_address("2606:4700::1111")));
}

}  // namespace
}  // namespace atbackfill::net
