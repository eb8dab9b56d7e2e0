module github.com/samlgo/samlgo

go 1.26.8

require (
	github.com/crewjam/saml v0.5.1
	github.com/mattermost/xml-roundtrip-validator v0.1.0
)

require (
	github.com/beevik/etree v1.5.0 // indirect
	github.com/gofrs/flock v0.13.1 // indirect
	github.com/jonboulle/clockwork v0.2.2 // indirect
	github.com/pelletier/go-toml/v2 v2.4.3 // indirect
	github.com/russellhaering/goxmldsig v1.4.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/crypto v0.33.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	gopkg.in/ini.v1 v1.67.3 // indirect
)
