package automaton

import (
	"fmt"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/patternc/patternc/compiler"
)

// benchEvents is a small embedded event set, citylots-like (GeoJSON
// features with nested coordinate arrays) plus an AWS-style event, so the
// benchmarks can be profiled (go test -cpuprofile) without the corpus
// package. The bench package measures the real corpora.
var benchEvents = [][]byte{
	[]byte(`{"type":"Feature","properties":{"MAPBLKLOT":"0001001","BLKLOT":"0001001","BLOCK_NUM":"0001","LOT_NUM":"001","FROM_ST":"0","TO_ST":"0","STREET":"UNKNOWN","ST_TYPE":null,"ODD_EVEN":"E"},"geometry":{"type":"Polygon","coordinates":[[[-122.422003528252475,37.808480096967251,0.0],[-122.422076013325281,37.808835019815085,0.0],[-122.421102174348633,37.808803534992904,0.0],[-122.421062569067274,37.808601056818148,0.0],[-122.422003528252475,37.808480096967251,0.0]]]}}`),
	[]byte(`{"type":"Feature","properties":{"MAPBLKLOT":"0004002","BLKLOT":"0004002","BLOCK_NUM":"0004","LOT_NUM":"002","FROM_ST":"2351","TO_ST":"2351","STREET":"POWELL","ST_TYPE":"ST","ODD_EVEN":"O"},"geometry":{"type":"Polygon","coordinates":[[[-122.411917813480846,37.806130700513012,0.0],[-122.412015468829743,37.806618617744012,0.0],[-122.411640289001342,37.806665957209836,0.0],[-122.411542612810339,37.806178031812614,0.0],[-122.411917813480846,37.806130700513012,0.0]]]}}`),
	[]byte(`{"type":"Feature","properties":{"MAPBLKLOT":"0005001","BLKLOT":"0005001","BLOCK_NUM":"0005","LOT_NUM":"001","FROM_ST":"206","TO_ST":"286","STREET":"JEFFERSON","ST_TYPE":"ST","ODD_EVEN":"E"},"geometry":{"type":"Polygon","coordinates":[[[-122.417574785219656,37.808028597733629,0.0],[-122.418225418145325,37.807943734787808,0.0],[-122.418318389540412,37.808395707542296,0.0],[-122.417574785219656,37.808028597733629,0.0]]]}}`),
	[]byte(`{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"111122223333","time":"2017-12-22T18:43:48Z","region":"us-west-1","resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],"detail":{"instance-id":"i-1234567890abcdef0","state":"terminated","source-ip":"10.0.12.7","vcpus":16}}`),
}

var streets = []string{"UNKNOWN", "POWELL", "JEFFERSON", "MASON", "TAYLOR", "BEACH", "NORTH POINT", "BAY", "CHESTNUT", "LOMBARD"}

// benchFamilies are pattern generators per operator family; i numbers the
// pattern so large sets are distinct.
var benchFamilies = []struct {
	name string
	gen  func(i int) string
}{
	{"Exact", func(i int) string {
		if i < len(streets) {
			return fmt.Sprintf(`{"properties":{"STREET":[%q]}}`, streets[i])
		}
		return fmt.Sprintf(`{"properties":{"STREET":["street-%d"]}}`, i)
	}},
	{"Prefix", func(i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"prefix":"%s%d"}]}}`, streets[i%len(streets)][:2], i)
	}},
	{"Suffix", func(i int) string { return fmt.Sprintf(`{"properties":{"BLKLOT":[{"suffix":"%03d"}]}}`, i%1000) }},
	{"IgnoreCase", func(i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"equals-ignore-case":"%s%s"}]}}`, streets[i%len(streets)], suffixN(i))
	}},
	{"Wildcard", func(i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"wildcard":"*%c*%s"}]}}`, 'A'+i%26, suffixN(i))
	}},
	{"Numeric", func(i int) string {
		return fmt.Sprintf(`{"geometry":{"coordinates":[{"numeric":[">",%d,"<",%d]}]}}`, -130+i%10, -120+i%10)
	}},
	{"AnythingBut", func(i int) string {
		return fmt.Sprintf(`{"properties":{"STREET":[{"anything-but":[%q]}]}}`, streets[i%len(streets)]+suffixN(i))
	}},
	{"Exists", func(i int) string { return fmt.Sprintf(`{"properties":{"F%d":[{"exists":false}]}}`, i) }},
	{"CIDR", func(i int) string { return fmt.Sprintf(`{"detail":{"source-ip":[{"cidr":"10.%d.0.0/16"}]}}`, i%256) }},
}

func suffixN(i int) string {
	if i < len(streets) {
		return ""
	}
	return fmt.Sprint(i)
}

func benchMachine(b *testing.B, gen func(int) string, n int) *Machine {
	b.Helper()
	m := New(Config{})
	ids := make([]ID, n)
	ps := make([]*compiler.Pattern, n)
	for i := range n {
		p, err := compiler.Compile([]byte(gen(i)), compiler.EventBridge, nil)
		if err != nil {
			b.Fatalf("%s: %v", gen(i), err)
		}
		ids[i], ps[i] = ID(fmt.Sprint(i)), p
	}
	if err := m.AddAll(ids, ps); err != nil {
		b.Fatal(err)
	}
	return m
}

// runMatch matches the embedded events round-robin and reports events/s
// and MB/s; allocations must stay at zero.
func runMatch(b *testing.B, m *Machine) {
	mt := m.NewMatcher()
	var size int
	for _, e := range benchEvents {
		size += len(e)
	}
	var dst []ID
	b.ReportAllocs()
	b.SetBytes(int64(size / len(benchEvents)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		dst, err = mt.Match(dst[:0], benchEvents[i%len(benchEvents)])
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMatchFamilies matches 100 patterns of each operator family.
func BenchmarkMatchFamilies(b *testing.B) {
	for _, f := range benchFamilies {
		b.Run(f.name, func(b *testing.B) { runMatch(b, benchMachine(b, f.gen, 100)) })
	}
}

// BenchmarkMatchExactScaling shows that the cost per event does not grow
// with the number of patterns.
func BenchmarkMatchExactScaling(b *testing.B) {
	for _, n := range []int{1, 1000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { runMatch(b, benchMachine(b, benchFamilies[0].gen, n)) })
	}
}

// BenchmarkFastjsonParse is the reference: a full fastjson parse of the
// same events.
func BenchmarkFastjsonParse(b *testing.B) {
	var p fastjson.Parser
	var size int
	for _, e := range benchEvents {
		size += len(e)
	}
	b.ReportAllocs()
	b.SetBytes(int64(size / len(benchEvents)))
	for i := 0; i < b.N; i++ {
		if _, err := p.ParseBytes(benchEvents[i%len(benchEvents)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAddAll measures patterns added per second in one batch.
func BenchmarkAddAll(b *testing.B) {
	const n = 10000
	ids := make([]ID, n)
	ps := make([]*compiler.Pattern, n)
	for i := range n {
		p, err := compiler.Compile([]byte(fmt.Sprintf(`{"source":["s%d"],"detail":{"id":[%d]}}`, i, i)), compiler.EventBridge, nil)
		if err != nil {
			b.Fatal(err)
		}
		ids[i], ps[i] = ID(fmt.Sprint(i)), p
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := New(Config{}).AddAll(ids, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "patterns/s")
}

// BenchmarkCheckTrusted is the cost of checking an event against the
// trusted contract, to compare with BenchmarkMatchFamilies/exact and
// BenchmarkFastjsonParse: a caller pays it once where events enter.
func BenchmarkCheckTrusted(b *testing.B) {
	mt := New(Config{}).NewMatcher()
	var size int
	for _, e := range benchEvents {
		size += len(e)
	}
	b.ReportAllocs()
	b.SetBytes(int64(size / len(benchEvents)))
	for i := 0; i < b.N; i++ {
		if err := mt.CheckTrusted(benchEvents[i%len(benchEvents)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
