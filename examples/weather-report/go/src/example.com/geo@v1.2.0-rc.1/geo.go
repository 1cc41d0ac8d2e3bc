// Package geo measures distances between cities (v1.2.0-rc.1).
package geo

import "math"

// Version is the module version this file was released in.
const Version = "v1.2.0-rc.1"

// Distance is the great-circle distance in kilometres between two points given in degrees.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dlat, dlon := rad(lat2-lat1), rad(lon2-lon1)
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(rad(lat1))*math.Cos(rad(lat2))*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
