package sip

// HeaderType is the canonical identity of a header name, whatever its case
// or compact form. Headers switchboard does not know are HdrOther and keep
// their name as received.
type HeaderType uint8

// Known header types. The order is not significant.
const (
	HdrOther HeaderType = iota
	HdrVia
	HdrFrom
	HdrTo
	HdrCallID
	HdrCSeq
	HdrMaxForwards
	HdrContact
	HdrRoute
	HdrRecordRoute
	HdrPath
	HdrContentLength
	HdrContentType
	HdrContentEncoding
	HdrContentDisposition
	HdrExpires
	HdrMinExpires
	HdrAuthorization
	HdrProxyAuthorization
	HdrWWWAuthenticate
	HdrProxyAuthenticate
	HdrSupported
	HdrRequire
	HdrProxyRequire
	HdrUnsupported
	HdrAllow
	HdrAllowEvents
	HdrEvent
	HdrSubscriptionState
	HdrAccept
	HdrAcceptContact
	HdrRejectContact
	HdrRequestDisposition
	HdrUserAgent
	HdrServer
	HdrPAssertedIdentity
	HdrPPreferredIdentity
	HdrRemotePartyID
	HdrDiversion
	HdrReferTo
	HdrReferredBy
	HdrSubject
	HdrSessionExpires
	HdrMinSE
	HdrIdentity
	HdrDate
	HdrRetryAfter
	HdrPrivacy
	HdrReason
	numHeaderTypes
)

// headerNames holds the canonical spelling used when switchboard writes a
// header itself.
var headerNames = [numHeaderTypes]string{
	HdrVia:                "Via",
	HdrFrom:               "From",
	HdrTo:                 "To",
	HdrCallID:             "Call-ID",
	HdrCSeq:               "CSeq",
	HdrMaxForwards:        "Max-Forwards",
	HdrContact:            "Contact",
	HdrRoute:              "Route",
	HdrRecordRoute:        "Record-Route",
	HdrPath:               "Path",
	HdrContentLength:      "Content-Length",
	HdrContentType:        "Content-Type",
	HdrContentEncoding:    "Content-Encoding",
	HdrContentDisposition: "Content-Disposition",
	HdrExpires:            "Expires",
	HdrMinExpires:         "Min-Expires",
	HdrAuthorization:      "Authorization",
	HdrProxyAuthorization: "Proxy-Authorization",
	HdrWWWAuthenticate:    "WWW-Authenticate",
	HdrProxyAuthenticate:  "Proxy-Authenticate",
	HdrSupported:          "Supported",
	HdrRequire:            "Require",
	HdrProxyRequire:       "Proxy-Require",
	HdrUnsupported:        "Unsupported",
	HdrAllow:              "Allow",
	HdrAllowEvents:        "Allow-Events",
	HdrEvent:              "Event",
	HdrSubscriptionState:  "Subscription-State",
	HdrAccept:             "Accept",
	HdrAcceptContact:      "Accept-Contact",
	HdrRejectContact:      "Reject-Contact",
	HdrRequestDisposition: "Request-Disposition",
	HdrUserAgent:          "User-Agent",
	HdrServer:             "Server",
	HdrPAssertedIdentity:  "P-Asserted-Identity",
	HdrPPreferredIdentity: "P-Preferred-Identity",
	HdrRemotePartyID:      "Remote-Party-ID",
	HdrDiversion:          "Diversion",
	HdrReferTo:            "Refer-To",
	HdrReferredBy:         "Referred-By",
	HdrSubject:            "Subject",
	HdrSessionExpires:     "Session-Expires",
	HdrMinSE:              "Min-SE",
	HdrIdentity:           "Identity",
	HdrDate:               "Date",
	HdrRetryAfter:         "Retry-After",
	HdrPrivacy:            "Privacy",
	HdrReason:             "Reason",
}

// String returns the canonical header name, or "" for HdrOther.
func (t HeaderType) String() string {
	if t >= numHeaderTypes {
		return ""
	}
	return headerNames[t]
}

// compactForms maps the RFC 3261 §7.3.3 (and extension) one-letter names.
var compactForms = func() (t [26]HeaderType) {
	for c, h := range map[byte]HeaderType{
		'a': HdrAcceptContact,
		'b': HdrReferredBy,
		'c': HdrContentType,
		'd': HdrRequestDisposition,
		'e': HdrContentEncoding,
		'f': HdrFrom,
		'i': HdrCallID,
		'j': HdrRejectContact,
		'k': HdrSupported,
		'l': HdrContentLength,
		'm': HdrContact,
		'o': HdrEvent,
		'r': HdrReferTo,
		's': HdrSubject,
		't': HdrTo,
		'u': HdrAllowEvents,
		'v': HdrVia,
		'x': HdrSessionExpires,
		'y': HdrIdentity,
	} {
		t[c-'a'] = h
	}
	return t
}()

// longestHeaderName bounds the names worth looking up.
const longestHeaderName = len("P-Preferred-Identity")

// headersByShape lists the known full names by length and lower-case first
// letter: a received name is compared with the one or two candidates of its
// shape instead of being hashed, which is the cheaper way for ~15 headers a
// message.
var headersByShape = func() (t [longestHeaderName + 1][26][]HeaderType) {
	for h := HdrOther + 1; h < numHeaderTypes; h++ {
		name := headerNames[h]
		c := lower(name[0]) - 'a'
		t[len(name)][c] = append(t[len(name)][c], h)
	}
	return t
}()

// LookupHeader returns the type of a header name as received, matching case
// and compact forms.
func LookupHeader(name string) HeaderType {
	if name == "" || len(name) > longestHeaderName {
		return HdrOther
	}
	c := lower(name[0])
	if c < 'a' || c > 'z' {
		return HdrOther
	}
	if len(name) == 1 {
		return compactForms[c-'a']
	}
	for _, h := range headersByShape[len(name)][c-'a'] {
		if EqualFold(name, headerNames[h]) {
			return h
		}
	}
	return HdrOther
}
