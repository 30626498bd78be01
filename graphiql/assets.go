package graphiql

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"marrakechgraph/webpage"
)

// Versions of the vendored packages, as published on npm.
const (
	GraphiQLVersion = "4.1.2"
	ReactVersion    = "18.2.0"
)

//go:embed assets
var assetFS embed.FS

// vendored is a file copied unchanged from an npm package, with its
// Subresource Integrity digests pinned. The digests are those gqlgen's own
// playground pins for the same files on jsDelivr.
type vendored struct {
	path   string // inside assets/
	sha256 string // SRI form: "sha256-<base64>"
	sha384 string // SRI form: "sha384-<base64>"
}

var (
	graphiqlJS = vendored{
		path:   "graphiql-" + GraphiQLVersion + "/graphiql.min.js",
		sha256: "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=",
		sha384: "sha384-9XdHu7ajgGJziD4J1zNBKQ842Q/+zZfDv+ib1eMhZWBH6hPAs806x+Jbcf0yNO6B",
	}
	graphiqlCSS = vendored{
		path:   "graphiql-" + GraphiQLVersion + "/graphiql.min.css",
		sha256: "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=",
		sha384: "sha384-1el1QShFBnnXTx9x/Cprg82hZWKt0ry29OAYIXt05swbi0KcZDFoj0CWguMpopJr",
	}
	reactJS = vendored{
		path:   "react-" + ReactVersion + "/react.production.min.js",
		sha256: "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=",
		sha384: "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
	}
	reactDOMJS = vendored{
		path:   "react-dom-" + ReactVersion + "/react-dom.production.min.js",
		sha256: "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=",
		sha384: "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
	}
	pinned = []vendored{graphiqlJS, graphiqlCSS, reactJS, reactDOMJS}

	// licenses are the licence files of the vendored packages, served
	// next to the files they cover.
	licenses = []string{
		"graphiql-" + GraphiQLVersion + "/LICENSE",
		"react-" + ReactVersion + "/LICENSE",
		"react-dom-" + ReactVersion + "/LICENSE",
	}
)

// Files of this package's own page, served under names that carry a digest
// of their content so that they can be cached as long as the vendored ones.
const (
	bootFile    = "app/boot.js"
	pageCSSFile = "app/page.css"
)

// asset is one file served under AssetsPath.
type asset struct {
	name        string // path under AssetsPath
	body        []byte
	contentType string
	etag        string
	integrity   string // value of an integrity attribute

	gzipOnce sync.Once
	gzipped  []byte
}

// gzipBody returns the gzip encoding of the body, computed on first use.
func (a *asset) gzipBody() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		a.gzipped = buf.Bytes()
	})
	return a.gzipped
}

// catalog is every servable asset, keyed by its path under AssetsPath.
type catalog struct {
	byName map[string]*asset
	// byFile maps a file inside assets/ to its served asset.
	byFile map[string]*asset
}

var loadCatalog = sync.OnceValue(func() *catalog {
	c, err := buildCatalog(assetFS)
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	return c
})

func buildCatalog(fsys fs.FS) (*catalog, error) {
	root, err := fs.Sub(fsys, "assets")
	if err != nil {
		return nil, err
	}
	pins := make(map[string]vendored, len(pinned))
	for _, v := range pinned {
		pins[v.path] = v
	}
	c := &catalog{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	var files []string
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, file := range files {
		body, err := fs.ReadFile(root, file)
		if err != nil {
			return nil, err
		}
		a := &asset{
			name:        file,
			body:        body,
			contentType: webpage.ContentType(file),
			etag:        webpage.ETag(body),
			integrity:   webpage.Integrity(body),
		}
		if v, ok := pins[file]; ok {
			a.integrity = v.sha256 + " " + v.sha384
			delete(pins, file)
		} else if strings.HasPrefix(file, "app/") {
			a.name = webpage.Fingerprinted(file, body)
		}
		c.byName[a.name] = a
		c.byFile[file] = a
	}
	for p := range pins {
		return nil, fmt.Errorf("pinned asset %s is not embedded", p)
	}
	for _, f := range append(licenses, bootFile, pageCSSFile) {
		if c.byFile[f] == nil {
			return nil, fmt.Errorf("asset %s is not embedded", f)
		}
	}
	return c, nil
}
