package surface

import "sort"

// events are the Event Interface events OpenSIPS 3.6 publishes, by the
// module that raises them ("core" for the core's). Written by hand from
// the 3.6 sources (evi_publish_event calls) and Interface-CoreEvents; the
// checker uses it to report an event_route for an event switchboard does
// not raise as not supported rather than unknown.
var events = map[string]string{
	"E_CORE_THRESHOLD": "core", "E_CORE_SHM_THRESHOLD": "core", "E_CORE_PKG_THRESHOLD": "core",
	"E_CORE_PROC_AUTO_SCALE": "core", "E_CORE_TCP_DISCONNECT": "core", "E_CORE_SR_STATUS_CHANGED": "core",
	"E_CORE_LOG": "core",
	"E_ACC_CDR":  "acc", "E_ACC_EVENT": "acc", "E_ACC_MISSED_EVENT": "acc",
	"E_CALLCENTER_AGENT_REPORT":      "call_center",
	"E_CLUSTERER_NODE_STATE_CHANGED": "clusterer", "E_CLUSTERER_REQ_RECEIVED": "clusterer",
	"E_CLUSTERER_RPL_RECEIVED": "clusterer", "E_CLUSTERER_SHARING_TAG_CHANGED": "clusterer",
	"E_DISPATCHER_STATUS": "dispatcher", "E_DLG_STATE_CHANGED": "dialog", "E_DM_REQUEST": "aaa_diameter",
	"E_DROUTING_STATUS": "drouting", "E_FLATSTORE_ROTATION": "event_flatstore",
	"E_FRD_CRITICAL": "fraud_detection", "E_FRD_WARNING": "fraud_detection",
	"E_FREESWITCH": "freeswitch_scripting", "E_HTTP2_REQUEST": "http2d", "E_JANUS_EVENT": "janus",
	"E_LOAD_BALANCER_STATUS": "load_balancer", "E_MSRP_GW_SETUP_FAILED": "msrp_gateway",
	"E_MSRP_MSG_RECEIVED": "msrp_ua", "E_MSRP_REPORT_RECEIVED": "msrp_ua", "E_MSRP_SESSION_END": "msrp_ua",
	"E_MSRP_SESSION_NEW": "msrp_ua", "E_MYSQL_CONNECTION": "db_mysql", "E_PIKE_BLOCKED": "pike",
	"E_PRESENCE_EXPOSED": "presence", "E_PRESENCE_PUBLISH": "presence", "E_QROUTING_BAD_DST": "qrouting",
	"E_REGISTRANT_AUTHENTICATING": "uac_registrant", "E_REGISTRANT_AUTHENTICATING_UNREGISTER": "uac_registrant",
	"E_REGISTRANT_INTERNAL_ERROR": "uac_registrant", "E_REGISTRANT_REGISTERED": "uac_registrant",
	"E_REGISTRANT_REGISTERING": "uac_registrant", "E_REGISTRANT_REGISTER_TIMEOUT": "uac_registrant",
	"E_REGISTRANT_REGISTRAR_ERROR": "uac_registrant", "E_REGISTRANT_UNREGISTERING": "uac_registrant",
	"E_REGISTRANT_WRONG_CREDENTIALS": "uac_registrant", "E_RTPENGINE_NOTIFICATION": "rtpengine",
	"E_RTPENGINE_STATUS": "rtpengine", "E_RTPPROXY_DTMF": "rtpproxy", "E_RTPPROXY_STATUS": "rtpproxy",
	"E_SIPREC_START": "siprec", "E_SIPREC_STOP": "siprec", "E_UA_SESSION": "b2b_entities",
	"E_UL_AOR_INSERT": "usrloc", "E_UL_AOR_DELETE": "usrloc", "E_UL_CONTACT_INSERT": "usrloc",
	"E_UL_CONTACT_UPDATE": "usrloc", "E_UL_CONTACT_DELETE": "usrloc", "E_UL_CONTACT_REFRESH": "usrloc",
	"E_UL_LATENCY_UPDATE": "usrloc",
}

// EventModule returns the OpenSIPS module that publishes event ("core"
// for core events).
func EventModule(event string) (string, bool) {
	m, ok := events[event]
	return m, ok
}

// EventNames returns every OpenSIPS event name, sorted.
func EventNames() []string {
	names := make([]string, 0, len(events))
	for name := range events {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
