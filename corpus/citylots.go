package corpus

import (
	"fmt"
	"iter"
	"math/rand"
	"strconv"
)

// DefaultCityLots is the size of the full corpus, as in the original
// citylots.json benchmark.
const DefaultCityLots = 213068

// Streets is the street vocabulary of the citylots-like corpus; pattern
// generators draw from it so that patterns really match.
var Streets = func() []string {
	first := []string{"MARKET", "MISSION", "VALENCIA", "GEARY", "CLEMENT", "IRVING", "JUDAH", "NORIEGA", "TARAVAL", "OCEAN",
		"FOLSOM", "HOWARD", "HARRISON", "BRYANT", "POTRERO", "CHURCH", "SANCHEZ", "NOE", "CASTRO", "DIAMOND",
		"FILLMORE", "STEINER", "PIERCE", "SCOTT", "DIVISADERO", "BRODERICK", "BAKER", "LYON", "MASONIC", "STANYAN",
		"COLE", "CLAYTON", "ASHBURY", "HAIGHT", "PAGE", "OAK", "FELL", "HAYES", "GROVE", "FULTON"}
	var out []string
	for _, f := range first {
		out = append(out, f)
		out = append(out, f+" NORTH", "SOUTH "+f, f+" HEIGHTS")
	}
	return out
}()

var stTypes = []string{"ST", "AVE", "BLVD", "WAY", "TER", "PL", "CT", "LN", "DR"}

// CityLots yields n GeoJSON Features (about 900 bytes each on average) for
// seed. The slice handed to yield is reused: copy it to keep it.
func CityLots(seed int64, n int) iter.Seq[[]byte] { return cityLots(seed, n, false) }

// CityLotsGeometryFirst yields the same Features as CityLots with the
// members in another order: "geometry" (about 80% of the bytes) before
// "properties", so a matcher that looks at properties must pass the
// polygon first and cannot stop reading early.
func CityLotsGeometryFirst(seed int64, n int) iter.Seq[[]byte] { return cityLots(seed, n, true) }

func cityLots(seed int64, n int, geometryFirst bool) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		r := rand.New(rand.NewSource(seed))
		buf := make([]byte, 0, 4096)
		var props, geom []byte
		for i := 0; i < n; i++ {
			props, geom = appendCityLot(props[:0], geom[:0], r)
			buf = append(buf[:0], `{"type":"Feature",`...)
			if geometryFirst {
				buf = append(append(buf, geom...), ',')
				buf = append(buf, props...)
			} else {
				buf = append(append(buf, props...), ',')
				buf = append(buf, geom...)
			}
			buf = append(buf, '}')
			if !yield(buf) {
				return
			}
		}
	}
}

// appendCityLot appends one lot's "properties" member to p and its
// "geometry" member to g.
func appendCityLot(b, g []byte, r *rand.Rand) ([]byte, []byte) {
	block := r.Intn(7000) + 1
	lot := r.Intn(300) + 1
	blk := fmt.Sprintf("%04d", block)
	lotS := fmt.Sprintf("%03d", lot)
	from := r.Intn(4000)
	b = append(b, `"properties":{"MAPBLKLOT":"`...)
	b = append(b, blk...)
	b = append(b, lotS...)
	b = append(b, `","BLKLOT":"`...)
	b = append(b, blk...)
	b = append(b, lotS...)
	b = append(b, `","BLOCK_NUM":"`...)
	b = append(b, blk...)
	b = append(b, `","LOT_NUM":"`...)
	b = append(b, lotS...)
	b = append(b, `","FROM_ST":"`...)
	b = strconv.AppendInt(b, int64(from), 10)
	b = append(b, `","TO_ST":"`...)
	b = strconv.AppendInt(b, int64(from+r.Intn(60)), 10)
	b = append(b, `","STREET":"`...)
	b = append(b, Streets[r.Intn(len(Streets))]...)
	b = append(b, `","ST_TYPE":`...)
	if r.Intn(10) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = append(b, stTypes[r.Intn(len(stTypes))]...)
		b = append(b, '"')
	}
	b = append(b, `,"ODD_EVEN":"`...)
	b = append(b, "EO"[from%2])
	b = append(b, `"}`...)
	g = append(g, `"geometry":{"type":"Polygon","coordinates":[[`...)
	lon := -122.52 + r.Float64()*0.16
	lat := 37.70 + r.Float64()*0.11
	points := 6 + r.Intn(18)
	for p := 0; p < points; p++ {
		if p > 0 {
			g = append(g, ',')
		}
		g = append(g, '[')
		g = strconv.AppendFloat(g, lon+r.Float64()*0.0009, 'f', 15, 64)
		g = append(g, ',')
		g = strconv.AppendFloat(g, lat+r.Float64()*0.0009, 'f', 15, 64)
		g = append(g, ",0.0]"...)
	}
	return b, append(g, "]]}"...)
}
