// Expected<T>: a value or an Error, the return type of operations whose failure is routine.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace atbackfill {

// What went wrong, in words an operator can act on. `retryable` tells callers whether the
// same request may succeed later (network trouble, 5xx, 429) or not (bad input, 4xx).
struct Error {
  std::string message;
  bool retryable = false;
  // A machine-readable reason where callers branch on it (e.g. "RepoNotFound"), else empty.
  std::string code = {};
};

inline Error permanent_error(std::string message) { return Error{std::move(message), false}; }
inline Error retryable_error(std::string message) { return Error{std::move(message), true}; }

template <class T>
class [[nodiscard]] Expected {
 public:
  // Asio's co_spawn default-constructs the result it reports alongside an exception.
  Expected() : state_(std::in_place_index<1>, Error{"no result"}) {}
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// For operations that return nothing on success.
struct Ok {};

}  // namespace atbackfill
