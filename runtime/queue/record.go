package queue

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// How an Item is stored. Version 1 is compact binary:
//
//	0x01                      version
//	flags (1 byte)            bit 0: Due set, bit 1: Enqueued set
//	uvarint Attempt
//	varint  Due, as Unix nanoseconds (when set)
//	varint  Enqueued, as Unix nanoseconds (when set)
//	uvarint len(ID), ID
//	Payload                   the rest, as is
//
// Version 0, written before it, is the Item as JSON (payload in base64).
// A JSON record starts with '{', which no version byte uses, so both are
// read; every write is version 1, and a version-0 item becomes version 1
// the next time it is written (a retry).
const recordV1 = 0x01

const (
	flagDue = 1 << iota
	flagEnqueued
)

// errRecord is returned for bytes this package did not write.
var errRecord = errors.New("queue: not an item record")

// appendRecord appends the version-1 encoding of it to dst.
func appendRecord(dst []byte, it *Item) []byte {
	var flags byte
	if !it.Due.IsZero() {
		flags |= flagDue
	}
	if !it.Enqueued.IsZero() {
		flags |= flagEnqueued
	}
	dst = append(dst, recordV1, flags)
	dst = binary.AppendUvarint(dst, uint64(it.Attempt))
	if flags&flagDue != 0 {
		dst = binary.AppendVarint(dst, it.Due.UnixNano())
	}
	if flags&flagEnqueued != 0 {
		dst = binary.AppendVarint(dst, it.Enqueued.UnixNano())
	}
	dst = binary.AppendUvarint(dst, uint64(len(it.ID)))
	dst = append(dst, it.ID...)
	return append(dst, it.Payload...)
}

// decodeRecord reads an item in either version. The payload is copied:
// store engines may reuse the value's memory after the callback.
func decodeRecord(v []byte) (Item, error) {
	if len(v) == 0 {
		return Item{}, errRecord
	}
	switch v[0] {
	case '{':
		var it Item
		if err := json.Unmarshal(v, &it); err != nil {
			return Item{}, fmt.Errorf("%w: version 0: %v", errRecord, err)
		}
		return it, nil
	case recordV1:
		return decodeV1(v[1:])
	}
	return Item{}, fmt.Errorf("%w: unknown version %#x", errRecord, v[0])
}

func decodeV1(v []byte) (Item, error) {
	var it Item
	if len(v) == 0 {
		return it, errRecord
	}
	flags := v[0]
	if flags&^(flagDue|flagEnqueued) != 0 {
		return it, fmt.Errorf("%w: flags %#x", errRecord, flags)
	}
	v = v[1:]
	attempt, n := binary.Uvarint(v)
	if n <= 0 || attempt > 1<<31 {
		return it, errRecord
	}
	it.Attempt, v = int(attempt), v[n:]
	readTime := func() (time.Time, bool) {
		ns, n := binary.Varint(v)
		if n <= 0 {
			return time.Time{}, false
		}
		v = v[n:]
		return time.Unix(0, ns).UTC(), true
	}
	var ok bool
	if flags&flagDue != 0 {
		if it.Due, ok = readTime(); !ok {
			return it, errRecord
		}
	}
	if flags&flagEnqueued != 0 {
		if it.Enqueued, ok = readTime(); !ok {
			return it, errRecord
		}
	}
	idLen, n := binary.Uvarint(v)
	if n <= 0 || idLen > uint64(len(v)-n) {
		return it, errRecord
	}
	v = v[n:]
	it.ID = string(v[:idLen])
	it.Payload = append([]byte(nil), v[idLen:]...)
	return it, nil
}
