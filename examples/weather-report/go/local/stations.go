// Package stations lists weather stations; it lives in the project (import go "…@path+./go/local").
package stations

// Names of the stations the report covers.
var Names = []string{"Lisbon", "Porto"}
