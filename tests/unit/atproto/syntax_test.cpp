// Tables of valid and invalid atproto identifiers, mostly taken from the atproto specs.
#include "atproto/syntax.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace atbackfill::atproto {
namespace {

using Check = bool (*)(std::string_view);

void expect_all(Check check, const std::vector<std::string>& inputs, bool expected) {
  for (const auto& input : inputs) {
    EXPECT_EQ(check(input), expected) << "input: \"" << input << "\"";
  }
}

TEST(Nsid, AcceptsSpecExamples) {
  expect_all(is_valid_nsid,
             {"com.example.fooBar", "net.users.bob.ping", "a-0.b-1.c", "a.b.c", "com.example.fooBarV2",
              "cn.8.lex.stuff", "network.comind.thought", "app.bsky.feed.post", "com.atproto.repo.listRecords",
              "com.long-thing1.cool.fooBarBaz", "stream.thought.memory", "COM.EXAMPLE.fooBar",
              std::string(63, 'a') + ".b.c", "a." + std::string(63, 'b') + ".c"},
             true);
}

TEST(Nsid, RejectsMalformed) {
  expect_all(is_valid_nsid,
             {"", "com.example", "com", "com.exa\xF0\x9F\x92\xA9ple.thing", "com.example.3", "com.example.foo-bar",
              "com.example.foo_bar", "com..example.foo", ".com.example.foo", "com.example.foo.", "1com.example.foo",
              "com.-example.foo", "com.example-.foo", "com.example.foo bar", "com.example.*", "com.example.foo*",
              std::string(64, 'a') + ".b.c", "a.b." + std::string(64, 'c'), "com.example.3foo"},
             false);
}

TEST(Nsid, EnforcesLengthLimits) {
  // Authority of 253 characters is allowed, 254 is not.
  std::string authority;
  for (int i = 0; i < 25; ++i) authority += std::string(9, 'a') + ".";
  authority += "aaa";
  ASSERT_EQ(authority.size(), 253u);
  EXPECT_TRUE(is_valid_nsid(authority + ".name"));
  EXPECT_FALSE(is_valid_nsid(authority + "a.name"));
  // Total length above 317 fails even with a valid authority.
  EXPECT_FALSE(is_valid_nsid(authority + "." + std::string(64, 'n')));
}

TEST(Did, AcceptsSpecExamples) {
  expect_all(is_valid_did,
             {"did:plc:z72i7hdynmk6r22z27h6tvur", "did:web:blueskyweb.xyz", "did:method:val", "did:method:VAL",
              "did:method:val123", "did:m:v", "did:method::::val", "did:method:-", "did:method:-:_:.:%ab",
              "did:method:.", "did:method:_", "did:method::.", "did:onion:2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid",
              "did:web:example.com%3A8080", "did:plc:" + std::string(2040, 'a')},
             true);
}

TEST(Did, RejectsMalformed) {
  expect_all(is_valid_did,
             {"", "did", "did:", "did:method", "didmethodval", "method:did:val", "did:method:", "DID:method:val",
              "did:METHOD:val", "did:m123:val", "did:method:val/two", "did:method:val?two", "did:method:val#two",
              "did:method:val%", "did:web:a%2", "did:web:a%zz:b", "did::val", "did:method:val:", "did:method:va l", "did:plc:" + std::string(2041, 'a'),
              "did:method:v\xC3\xA9"},
             false);
}

TEST(Handle, AcceptsSpecExamples) {
  expect_all(is_valid_handle,
             {"jay.bsky.social", "8.cn", "name.t--t", "XX.LCS.MIT.EDU", "a.co", "xn--notarealidn.com",
              "xn--fiqa61au8b7zsevnm8ak20mc4a87e.xn--fiqs8s", "xn--ls8h.test", "example.t", "alice.a.test",
              "central.comind.network", "a-b.c-d", std::string(63, 'a') + ".com"},
             true);
}

TEST(Handle, RejectsMalformed) {
  expect_all(is_valid_handle,
             {"", "jo@hn.test", "\xF0\x9F\x92\xA9.test", "john..test", "xn--bcher-.tld", "john.0", "cn.8",
              "www.mase\xC5\x82kowski.pl.com", "org", "name.org.", ".name.org", "-name.org", "name-.org",
              "name.org-", "na me.org", std::string(64, 'a') + ".com", "under_score.com", "localhost"},
             false);
}

TEST(Handle, EnforcesTotalLength) {
  const std::string valid = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                      std::string(61, 'd');  // 253 characters
  ASSERT_EQ(valid.size(), 253u);
  EXPECT_TRUE(is_valid_handle(valid));
  EXPECT_FALSE(is_valid_handle(valid + "d"));
}

TEST(Handle, NormalizeLowercasesAsciiOnly) {
  EXPECT_EQ(normalize_handle("Alice.Bsky.SOCIAL"), "alice.bsky.social");
  EXPECT_EQ(normalize_handle("already.lower"), "already.lower");
}

TEST(RecordKey, AcceptsSpecExamples) {
  expect_all(is_valid_rkey,
             {"3jui7kd54zh2y", "self", "example.com", "~1.2-3_", "dHJ1ZQ", "pre:fix", "_", "...", "a", std::string(512, 'k')},
             true);
}

TEST(RecordKey, RejectsMalformed) {
  expect_all(is_valid_rkey,
             {"", "alpha/beta", ".", "..", "#extra", "@handle", "any space", "any+space", "number[3]", "number(3)",
              "\"quote\"", "dHJ1ZQ==", "a?b", "caf\xC3\xA9", std::string(513, 'k')},
             false);
}

TEST(Tid, AcceptsSpecExamples) {
  expect_all(is_valid_tid, {"3jzfcijpj2z2a", "7777777777777", "3zzzzzzzzzzzz", "2222222222222", "jzzzzzzzzzzzz"},
             true);
}

TEST(Tid, RejectsMalformed) {
  expect_all(is_valid_tid,
             {"", "3jzfcijpj2z21", "0000000000000", "3jzfcijpj2z2aa", "3jzfcijpj2z2", "3jzf-cij-pj2z-2a",
              "zzzzzzzzzzzzz", "kjzfcijpj2z2a", "3JZFCIJPJ2Z2A", "3jzfcijpj2z2\xC3"},
             false);
}

TEST(RecordUri, ParsesTheThreeParts) {
  const auto uri = parse_record_uri("at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3jui7kd54zh2y");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->authority, "did:plc:z72i7hdynmk6r22z27h6tvur");
  EXPECT_EQ(uri->collection, "app.bsky.feed.post");
  EXPECT_EQ(uri->rkey, "3jui7kd54zh2y");

  const auto with_handle = parse_record_uri("at://alice.bsky.social/app.bsky.actor.profile/self");
  ASSERT_TRUE(with_handle);
  EXPECT_EQ(with_handle->authority, "alice.bsky.social");
  EXPECT_EQ(with_handle->rkey, "self");
}

TEST(RecordUri, RejectsAnythingElse) {
  for (const std::string input :
       {"", "at://", "at://did:plc:abc", "at://did:plc:abc/app.bsky.feed.post",
        "at://did:plc:abc/app.bsky.feed.post/", "at://did:plc:abc/app.bsky.feed.post/a/b",
        "at://did:plc:abc/app.bsky.feed.post/abc?x=1", "at://did:plc:abc/app.bsky.feed.post/abc#frag",
        "at://did:plc:abc/not-an-nsid/abc", "at://not a did/app.bsky.feed.post/abc",
        "https://did:plc:abc/app.bsky.feed.post/abc", "AT://did:plc:abc/app.bsky.feed.post/abc",
        "at://did:plc:abc/app.bsky.feed.post/..", "at://did:plc:abc//abc", "at:///app.bsky.feed.post/abc"}) {
    EXPECT_FALSE(parse_record_uri(input)) << input;
  }
}

}  // namespace
}  // namespace atbackfill::atproto
