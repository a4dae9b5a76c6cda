package sns

// Activity is one thing that happened on a topic, as watchers (the
// console's WebSocket feed) hear of it: a message published ("message",
// with the subscriptions it goes to and those whose filter policy
// rejected it) or one subscription's delivery settling ("delivery").
type Activity struct {
	Kind      string // "message" or "delivery"
	TopicARN  string
	MessageID string
	Subject   string            // "message"
	Message   string            // "message": the body as published
	Attrs     map[string]string // "message": attribute values by name
	Receivers []string          // "message": subscription ARNs it is queued for
	Filtered  []string          // "message": subscriptions whose policy rejected it
	// Subscription and State ("delivered", "retrying", "dead-lettered",
	// "dropped") describe a "delivery".
	Subscription string
	State        string
}

// Watch adds fn to the functions told of every published message and
// every delivery outcome; fn runs on the service's goroutines and must
// not block. The returned function stops it.
func (s *Service) Watch(fn func(Activity)) (stop func()) { return s.watchers.Add(fn) }

func (s *Service) watchMessage(m *message, receivers, filtered []string) {
	a := Activity{Kind: "message", TopicARN: m.TopicARN, MessageID: m.MessageID, Subject: m.Subject, Message: m.Message,
		Receivers: receivers, Filtered: filtered, Attrs: map[string]string{}}
	for name, at := range m.Attrs {
		a.Attrs[name] = at.StringValue
	}
	s.watchers.Emit(a)
}

func (s *Service) watchDelivery(subARN string, m *message, state string) {
	if !s.watchers.Active() {
		return
	}
	s.watchers.Emit(Activity{Kind: "delivery", TopicARN: m.TopicARN, MessageID: m.MessageID, Subscription: subARN, State: state})
}

// deadState is where a delivery that gave up ends: its DLQ, or nowhere.
func deadState(tg *target) string {
	if tg.sub.dlq == "" {
		return "dropped"
	}
	return "dead-lettered"
}
