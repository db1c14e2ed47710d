// Package sip is switchboard's SIP message core: parsing, typed header
// access, edits and building. It does no I/O and starts no goroutines.
//
// A received message is kept as its bytes plus an index of its headers.
// Parse reads the first line, indexes every header (name, canonical type,
// value span) and finds the body; nothing else is parsed until asked for.
// Typed accessors (Via, From, To, CSeq, Contacts, Routes, Credentials...)
// parse their header on first use and, for the ones every element reads,
// cache the result. Check validates what every SIP element relies on
// (RFC 3261 §8.2 and §16.3) and says which reply an error calls for.
//
// Edits never re-render a header: they are recorded as lumps against
// offsets of the received bytes (insert, delete, replace) and applied in
// one pass when the message is written out, so everything the script did
// not touch goes out byte for byte. SetRequestURI and SetBody keep the last
// value set and fix Content-Length on the way out.
//
// AppendReply builds a reply to a request (sl_send_reply, t_reply);
// AppendRequest, AppendCancel and AppendAck build requests an element
// originates.
package sip
