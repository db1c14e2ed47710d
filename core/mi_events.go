package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"switchboard/engine"
	"switchboard/events"
)

// defaultSubscribeExpire is how long an MI event_subscribe without expire
// lasts (OpenSIPS DEFAULT_EXPIRE).
const defaultSubscribeExpire = 3600 * time.Second

// eventMICommands are the core MI commands of the Event Interface
// (OpenSIPS evi/event_interface.c), on events.Default.
func eventMICommands() []engine.MICommand {
	return []engine.MICommand{
		{Name: "event_subscribe", Help: "subscribes an external application to an event",
			Params: [][]string{{"event", "socket"}, {"event", "socket", "expire"}}, Run: miEventSubscribe},
		{Name: "events_list", Help: "lists all the events advertised through the Event Interface", Run: miEventsList},
		{Name: "subscribers_list", Help: "lists the subscribers of the events, of one event, or one subscriber",
			Params: [][]string{nil, {"event"}, {"event", "socket"}}, Run: miSubscribersList},
		{Name: "raise_event", Help: "raises an event through the Event Interface",
			Params: [][]string{{"event"}, {"event", "params"}}, Run: miRaiseEvent},
	}
}

func miError(code int, message string) error { return &engine.MIError{Code: code, Message: message} }

func invalidParams(data string) error {
	return &engine.MIError{Code: -32602, Message: "Invalid params", Data: data}
}

// miEventSubscribe is event_subscribe: expire in seconds (default 3600);
// 0 ends the subscription, as OpenSIPS's immediately expired subscriber
// does.
func miEventSubscribe(_ context.Context, p engine.MIParams) (any, error) {
	event, err := p.Get("event")
	if err != nil || event == "" {
		return nil, invalidParams("Failed to handle parameter event")
	}
	socket, err := p.Get("socket")
	if err != nil || socket == "" {
		return nil, invalidParams("Failed to handle parameter socket")
	}
	expire := defaultSubscribeExpire
	if p.Has("expire") {
		n, err := p.GetInt("expire")
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, invalidParams("Negative expire value")
		}
		expire = time.Duration(n) * time.Second
	}
	if expire == 0 {
		_, err = events.Default.Unsubscribe(event, socket)
	} else {
		err = events.Default.Subscribe(event, socket, expire)
	}
	if err != nil {
		return nil, &engine.MIError{Code: 400, Message: "Bad parameter value", Data: err.Error()}
	}
	return ok, nil
}

type eventItem struct {
	Name string `json:"name"`
	ID   int    `json:"id"`
}

func miEventsList(context.Context, engine.MIParams) (any, error) {
	list := []eventItem{}
	for _, ev := range events.Default.Events() {
		list = append(list, eventItem{Name: ev.Name(), ID: ev.ID()})
	}
	return map[string]any{"Events": list}, nil
}

// subscriberJSON is a subscriber as evi_print_subscriber prints it:
// expire and ttl in seconds, or expire "never" (and no ttl).
type subscriberJSON struct {
	Socket string `json:"socket"`
	Expire any    `json:"expire"`
	TTL    any    `json:"ttl,omitempty"`
}

func subscriberItem(in events.SubscriberInfo) *subscriberJSON {
	item := &subscriberJSON{Socket: in.Socket, Expire: "never"}
	if in.Expire == 0 {
		return item
	}
	item.Expire = int(in.Expire / time.Second)
	if ttl := int((in.TTL + time.Second - 1) / time.Second); ttl > 0 {
		item.TTL = ttl
	} else {
		item.TTL = "expired"
	}
	return item
}

// eventWithSubscribers is an event and its subscribers, in
// evi_print_event's key order.
type eventWithSubscribers struct {
	Name        string            `json:"name"`
	ID          int               `json:"id"`
	Subscribers []*subscriberJSON `json:"Subscribers,omitempty"`
	Subscriber  *subscriberJSON   `json:"Subscriber,omitempty"`
}

func printEvent(ev *events.Event, subs []events.SubscriberInfo) eventWithSubscribers {
	out := eventWithSubscribers{Name: ev.Name(), ID: ev.ID(), Subscribers: []*subscriberJSON{}}
	for _, in := range subs {
		out.Subscribers = append(out.Subscribers, subscriberItem(in))
	}
	return out
}

func miSubscribersList(_ context.Context, p engine.MIParams) (any, error) {
	if !p.Has("event") {
		list := []eventWithSubscribers{}
		for _, ev := range events.Default.Events() {
			if subs := ev.Subscribers(); len(subs) > 0 {
				list = append(list, printEvent(ev, subs))
			}
		}
		return map[string]any{"Events": list}, nil
	}
	name, err := p.Get("event")
	if err != nil {
		return nil, err
	}
	ev := events.Default.Lookup(name)
	if ev == nil {
		return nil, miError(404, "Event not published")
	}
	if !p.Has("socket") {
		subs := ev.Subscribers()
		if len(subs) == 0 {
			// OpenSIPS prints an event without subscribers as {}.
			return map[string]any{"Event": struct{}{}}, nil
		}
		return map[string]any{"Event": printEvent(ev, subs)}, nil
	}
	socket, err := p.Get("socket")
	if err != nil {
		return nil, err
	}
	in, err := events.Default.Subscriber(name, socket)
	if err != nil {
		return nil, miError(404, "Subscriber does not exist")
	}
	return map[string]any{"Event": eventWithSubscribers{Name: ev.Name(), ID: ev.ID(), Subscriber: subscriberItem(in)}}, nil
}

// miRaiseEvent is raise_event: params is an array of values (positional
// parameters), a JSON object, or a string holding a JSON object (named
// parameters: numbers stay numbers, strings strings, anything else its
// JSON text), as OpenSIPS's w_mi_raise_event takes them.
func miRaiseEvent(_ context.Context, p engine.MIParams) (any, error) {
	name, err := p.Get("event")
	if err != nil {
		return nil, err
	}
	ev := events.Default.Lookup(name)
	if ev == nil {
		return nil, miError(404, "Event not registered")
	}
	if !ev.Active() {
		return nil, miError(480, "Temporarily Unavailable")
	}
	var params events.Params
	if raw, given := p.Raw("params"); given && raw != nil {
		params, err = raiseParams(raw)
		if err != nil {
			return nil, &engine.MIError{Code: 400, Message: "Bad Params", Data: err.Error()}
		}
	}
	ev.Raise(params)
	return ok, nil
}

func raiseParams(raw any) (events.Params, error) {
	switch v := raw.(type) {
	case []any:
		params := make(events.Params, 0, len(v))
		for i, item := range v {
			switch item := item.(type) {
			case string:
				params = append(params, events.Param{Value: item})
			case json.Number:
				params = append(params, events.Param{Value: item.String()})
			default:
				return nil, fmt.Errorf("array element %d is not a string", i)
			}
		}
		return params, nil
	case string:
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		var obj any
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf("params is not JSON: %v", err)
		}
		if dec.More() {
			return nil, errors.New("params has trailing data after the JSON object")
		}
		m, isObj := obj.(map[string]any)
		if !isObj {
			return nil, errors.New("params JSON is not an object")
		}
		return namedParams(m, keyOrder(v)), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return namedParams(v, keys), nil
	}
	return nil, errors.New("params must be an array, an object or a JSON string")
}

// namedParams converts a decoded object in the given key order.
func namedParams(m map[string]any, keys []string) events.Params {
	params := make(events.Params, 0, len(m))
	for _, k := range keys {
		val, present := m[k]
		if !present {
			continue
		}
		switch val := val.(type) {
		case string:
			params = append(params, events.Param{Name: k, Value: val})
		case json.Number:
			if n, err := val.Int64(); err == nil {
				params = append(params, events.Param{Name: k, Value: int(n)})
			} else if f, err := val.Float64(); err == nil {
				params = append(params, events.Param{Name: k, Value: int(f)}) // cJSON's valueint
			}
		default:
			text, _ := json.Marshal(val)
			params = append(params, events.Param{Name: k, Value: string(text)})
		}
		delete(m, k) // a key repeated in the text is given once
	}
	return params
}

// keyOrder returns the object's top-level keys in the order the text
// gives them, so params keep the client's order as cJSON keeps it.
func keyOrder(text string) []string {
	dec := json.NewDecoder(strings.NewReader(text))
	var keys []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		key, _ := tok.(string)
		keys = append(keys, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}
