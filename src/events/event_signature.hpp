// Optional authenticity headers of event POSTs, beyond what Bitrix24 sends (off by default:
// [events] signature, delivery_id_header).
//
// X-Imhub-Signature: sha256=<hex>  — HMAC-SHA256 over the exact request body, keyed with the
//   receiving application's signing secret. The secret is derived from the portal's master key,
//   so it is never stored and `imhub events secret` can print it again:
//     application:         hex(HMAC-SHA256(master key, "imhub-event-signature:app:<app id>"))
//     webhook-registered bot (app 0): "...:client:<CLIENT_ID>" instead of "...:app:<id>"
//   A handler recomputes hash_hmac('sha256', $rawBody, $secret) and compares in constant time;
//   `ts` inside the signed body bounds how old a replayed request can be.
// X-Imhub-Delivery-Id: <32 hex>  — the same for every attempt of one outbox row (and for its
//   replay through `imhub events retry`), different for every other event: a handler that has
//   seen the id already answers 200 and does nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imhub {

constexpr std::string_view kSignatureHeader = "X-Imhub-Signature";
constexpr std::string_view kDeliveryIdHeader = "X-Imhub-Delivery-Id";

// `application_token` is used only for app 0 (a webhook-registered bot: its CLIENT_ID).
std::string event_signing_secret(std::string_view master_key, int64_t app_id, std::string_view application_token);

// "sha256=<hex>"
std::string event_signature(std::string_view secret, std::string_view body);

// The delivery id of a row that carries none in its payload (written by another tool): derived
// from the row id, which the outbox never reuses.
std::string fallback_delivery_id(std::string_view master_key, int64_t row_id);

}  // namespace imhub
