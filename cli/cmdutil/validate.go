package cmdutil

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// regionPattern is what an AWS region name looks like ("us-east-1",
// "us-gov-west-1", "eusc-de-east-1"), loose enough for the names local
// emulators accept: lower-case letters and digits in dash-separated words.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// CheckRegion refuses a region that cannot be one, before anything is sent
// (a space or a line break would otherwise turn into a network error);
// what names where it came from ("--region", "the account's region").
func CheckRegion(what, region string) error {
	if region == "" || (len(region) <= 64 && regionPattern().MatchString(region)) {
		return nil
	}
	return UsageErrorf("%s %q is not a region name; use one like eu-west-1", what, region)
}

// CheckSignOnURL refuses an IdP sign-on URL that a browser sign-in cannot
// start from: it must be an absolute http or https URL with a host.
func CheckSignOnURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(raw, " \t\r\n") {
		return UsageErrorf("%s %q is not an http(s) URL; use the IdP's sign-on URL, e.g. https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices", what, redactQuery(raw))
	}
	return nil
}

// redactQuery drops a URL's query, which may carry a SAML message or a
// token, before the URL is shown.
func redactQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}
