package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/unionhub/unionhub/service/codes"
)

// sampleRegions are the districts samples rotate through without --region.
var sampleRegions = []string{"420106", "110105", "440305", "310115", "510107", "330106"}

// usccBodyChars may appear in a generated organisation code: the unified
// social credit code's alphabet.
const usccBodyChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// sampleID is one generated ID number with what it encodes.
type sampleID struct {
	Number    string `json:"number"`
	BirthDate string `json:"birth_date"`
	Gender    string `json:"gender"`
	Region    string `json:"region"`
}

// samples is sample's JSON output.
type samples struct {
	USCCs     []string   `json:"uscc"`
	IDNumbers []sampleID `json:"id_numbers"`
}

// sampleCmd prints valid sample unified social credit codes and resident
// ID numbers for trying the API by hand: `unionhub sample [uscc|id] [--n N]
// [--region CODE] [--json] [--seed S]`.
func sampleCmd(args []string, e env, now time.Time) error {
	if len(args) > 0 && args[0] == "photo" {
		return samplePhotoCmd(args[1:], e)
	}
	if len(args) > 0 && args[0] == "sheet" {
		return sampleSheetCmd(args[1:], e, now)
	}
	what := "all"
	if len(args) > 0 && (args[0] == "uscc" || args[0] == "id") {
		what, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("unionhub sample", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	n := fs.Int("n", 3, "how many of each (1–1000)")
	region := fs.String("region", "", "GB/T 2260 district code for every sample (default: a few districts in turn)")
	asJSON := fs.Bool("json", false, `print {"uscc":[…],"id_numbers":[{number,birth_date,gender,region}]}`)
	seed := fs.Uint64("seed", 0, "random seed, for the same samples every time (default: new ones each run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sample: unexpected %q (usage: unionhub sample [uscc|id] [--n N] [--region CODE] [--json] [--seed S])", fs.Arg(0))
	}
	if *n < 1 || *n > 1000 {
		return fmt.Errorf("sample: --n must be 1 to 1000, not %d", *n)
	}
	if *region != "" {
		if err := codes.CheckRegionCode(*region); err != nil {
			return fmt.Errorf("sample: --region %q: %v", *region, err)
		}
	}
	s := *seed
	if s == 0 {
		s = uint64(now.UnixNano())
	}
	rng := rand.New(rand.NewPCG(s, s>>32|1))
	var out samples
	for i := range *n {
		r := *region
		if r == "" {
			r = sampleRegions[i%len(sampleRegions)]
		}
		if what != "id" {
			out.USCCs = append(out.USCCs, sampleUSCC(rng, r))
		}
		if what != "uscc" {
			out.IDNumbers = append(out.IDNumbers, sampleIDNumber(rng, r, i%2 == 0, now))
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, u := range out.USCCs {
		fmt.Fprintf(e.stdout, "uscc %s\n", u)
	}
	for _, id := range out.IDNumbers {
		fmt.Fprintf(e.stdout, "id   %s  %s %-6s region %s\n", id.Number, id.BirthDate, id.Gender, id.Region)
	}
	return nil
}

// sampleUSCC makes an enterprise code (91…) in region: a random
// organisation code "MA" + 6 characters with its GB 11714 check character,
// then the GB 32100 check character.
func sampleUSCC(rng *rand.Rand, region string) string {
	body := []byte("MA")
	for len(body) < 8 {
		body = append(body, usccBodyChars[rng.IntN(len(usccBodyChars))])
	}
	first17 := "91" + region + string(body) + string(codes.OrgCodeCheckChar(string(body)))
	cc, err := codes.USCCCheckChar(first17)
	if err != nil {
		panic(err) // region was checked and the body drawn from the alphabet
	}
	return first17 + string(cc)
}

// sampleIDNumber makes a resident ID number in region for a worker of 18 to
// 60 on now's date (Beijing time), male or female, with its GB 11643 check
// character.
func sampleIDNumber(rng *rand.Rand, region string, male bool, now time.Time) sampleID {
	today := now.In(time.FixedZone("CST", 8*3600))
	// Born at least 18 years and a day ago, at most 60 years ago.
	latest := today.AddDate(-18, 0, -1)
	earliest := today.AddDate(-60, 0, 0)
	days := int(latest.Sub(earliest).Hours() / 24)
	birth := earliest.AddDate(0, 0, rng.IntN(days+1))
	seq := rng.IntN(500) * 2 // the 17th digit: odd for men, even for women
	gender := "female"
	if male {
		seq++
		gender = "male"
	}
	first17 := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq)
	return sampleID{Number: first17 + string(codes.IDCheckChar(first17)), BirthDate: birth.Format("2006-01-02"), Gender: gender, Region: region}
}
