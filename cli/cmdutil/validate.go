package cmdutil

import (
	"net/url"
	"strings"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
)

// CheckRegion refuses a region that cannot be one, before anything is sent
// (a space or a line break would otherwise turn into a network error);
// what names where it came from ("--region", "the account's region").
func CheckRegion(what, region string) error {
	if region == "" || (len(region) <= 64 && awsfiles.ValidRegion(region)) {
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

// SignedRegion is the STS region of a signed call: --region, else the
// source profile's, else AWS_REGION, else AWS_DEFAULT_REGION, else
// us-east-1, as the AWS CLI picks it; a value that cannot be a region is a
// usage error.
func SignedRegion(flag string, src *chain.Resolved, getenv func(string) string) (string, error) {
	region := First(flag, src.Region, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), "us-east-1")
	if err := CheckRegion("the region", region); err != nil {
		return "", err
	}
	return region, nil
}
