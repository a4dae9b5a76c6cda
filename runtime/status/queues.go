package status

import (
	"net/http"
	"strconv"
	"time"
)

// getMessages reads a runtime-local queue (DLQs, destinations): up to
// max messages, waiting up to waitSeconds for the first; each is hidden
// for 30 s unless deleted (§7.2).
func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	if s.opts.Queues == nil {
		writeError(w, http.StatusNotFound, "QueueNotFound", "this server has no queues")
		return
	}
	q := r.URL.Query()
	max, wait := 10, 0
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10 {
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "max must be an integer from 1 to 10")
			return
		}
		max = n
	}
	if v := q.Get("waitSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			writeError(w, http.StatusBadRequest, "InvalidParameterValueException", "waitSeconds must be an integer from 0 to 20")
			return
		}
		wait = n
	}
	name := r.PathValue("name")
	deadline := s.env.Clock.Now().Add(time.Duration(wait) * time.Second)
	for {
		msgs, err := s.opts.Queues.Receive(r.Context(), name, max, 30*time.Second)
		if err != nil {
			writeErr(w, err)
			return
		}
		if len(msgs) > 0 || !s.env.Clock.Now().Before(deadline) {
			type message struct {
				MessageID  string            `json:"messageId"`
				Receipt    string            `json:"receipt"`
				Body       string            `json:"body"`
				Attributes map[string]string `json:"attributes"`
			}
			out := struct {
				Messages []message `json:"messages"`
			}{Messages: []message{}}
			for _, m := range msgs {
				attrs := m.Attributes
				if attrs == nil {
					attrs = map[string]string{}
				}
				out.Messages = append(out.Messages, message{m.ID, m.ReceiptHandle, m.Body, attrs})
			}
			writeJSON(w, http.StatusOK, out)
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.env.Clock.After(100 * time.Millisecond):
		}
	}
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	if s.opts.Queues == nil {
		writeError(w, http.StatusNotFound, "QueueNotFound", "this server has no queues")
		return
	}
	if err := s.opts.Queues.Delete(r.Context(), r.PathValue("name"), r.PathValue("receipt")); err != nil {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
