//! Which asset a path names, or where it should go instead: the asset worker's `getIntent`
//! for each `html_handling` mode, then `not_found_handling`. A redirect is offered only when
//! the destination would serve the very file the request named (`safeRedirect`).

use super::config::{HtmlHandling, NotFoundHandling};
use super::manifest::AssetSet;

/// What a path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent<'a> {
    Asset {
        etag: &'a str,
        /// 200, or 404 for a `404.html` page.
        status: u16,
        /// Found by the not-found handling rather than by the path.
        not_found: bool,
    },
    Redirect(String),
}

pub struct Resolver<'a> {
    pub set: &'a AssetSet,
    pub html_handling: HtmlHandling,
    pub not_found_handling: NotFoundHandling,
}

impl<'a> Resolver<'a> {
    pub fn intent(&self, path: &str) -> Option<Intent<'a>> {
        self.intent_skipping(path, false)
    }

    fn intent_skipping(&self, path: &str, skip: bool) -> Option<Intent<'a>> {
        match self.html_handling {
            HtmlHandling::AutoTrailingSlash => self.auto_trailing_slash(path, skip),
            HtmlHandling::ForceTrailingSlash => self.force_trailing_slash(path, skip),
            HtmlHandling::DropTrailingSlash => self.drop_trailing_slash(path, skip),
            HtmlHandling::None => self.serve(path).or_else(|| self.not_found(path)),
        }
    }

    /// The asset at exactly `path`.
    fn serve(&self, path: &str) -> Option<Intent<'a>> {
        self.set.etag(path).map(|etag| Intent::Asset {
            etag,
            status: 200,
            not_found: false,
        })
    }

    /// A redirect to `destination` if nothing is there yet and going there would serve
    /// `file`.
    fn redirect(&self, file: &str, destination: &str, skip: bool) -> Option<Intent<'a>> {
        if skip || self.set.etag(destination).is_some() {
            return None;
        }
        let there = match self.intent_skipping(destination, true)? {
            Intent::Asset { etag, .. } => etag,
            Intent::Redirect(_) => return None,
        };
        (self.set.etag(file) == Some(there)).then(|| Intent::Redirect(destination.to_string()))
    }

    fn auto_trailing_slash(&self, p: &str, skip: bool) -> Option<Intent<'a>> {
        let exact = self.serve(p);
        if let Some(stem) = p.strip_suffix("/index") {
            if exact.is_some() {
                return exact;
            }
            let found = self
                .redirect(&format!("{p}.html"), &format!("{stem}/"), skip)
                .or_else(|| self.redirect(&format!("{stem}.html"), stem, skip));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix("/index.html") {
            let found = self
                .redirect(p, &format!("{stem}/"), skip)
                .or_else(|| self.redirect(&format!("{stem}.html"), stem, skip));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix('/') {
            let found = self
                .serve(&format!("{p}index.html"))
                .or_else(|| self.redirect(&format!("{stem}.html"), stem, skip));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix(".html") {
            let found = self.redirect(p, stem, skip).or_else(|| {
                self.redirect(&format!("{stem}/index.html"), &format!("{stem}/"), skip)
            });
            if found.is_some() {
                return found;
            }
        }
        exact
            .or_else(|| self.serve(&format!("{p}.html")))
            .or_else(|| self.redirect(&format!("{p}/index.html"), &format!("{p}/"), skip))
            .or_else(|| self.not_found(p))
    }

    fn force_trailing_slash(&self, p: &str, skip: bool) -> Option<Intent<'a>> {
        let exact = self.serve(p);
        if let Some(stem) = p.strip_suffix("/index") {
            if exact.is_some() {
                return exact;
            }
            let found = self
                .redirect(&format!("{p}.html"), &format!("{stem}/"), skip)
                .or_else(|| self.redirect(&format!("{stem}.html"), &format!("{stem}/"), skip));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix("/index.html") {
            let found = self
                .redirect(p, &format!("{stem}/"), skip)
                .or_else(|| self.redirect(&format!("{stem}.html"), &format!("{stem}/"), skip));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix('/') {
            let found = self
                .serve(&format!("{p}index.html"))
                .or_else(|| self.serve(&format!("{stem}.html")));
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix(".html") {
            let found = self
                .redirect(p, &format!("{stem}/"), skip)
                .or_else(|| exact.clone())
                .or_else(|| {
                    self.redirect(&format!("{stem}/index.html"), &format!("{stem}/"), skip)
                });
            if found.is_some() {
                return found;
            }
        }
        exact
            .or_else(|| self.redirect(&format!("{p}.html"), &format!("{p}/"), skip))
            .or_else(|| self.redirect(&format!("{p}/index.html"), &format!("{p}/"), skip))
            .or_else(|| self.not_found(p))
    }

    fn drop_trailing_slash(&self, p: &str, skip: bool) -> Option<Intent<'a>> {
        let exact = self.serve(p);
        if let Some(stem) = p.strip_suffix("/index") {
            if exact.is_some() {
                return exact;
            }
            let found = if p == "/index" {
                self.redirect("/index.html", "/", skip)
            } else {
                self.redirect(&format!("{stem}.html"), stem, skip)
                    .or_else(|| self.redirect(&format!("{p}.html"), stem, skip))
            };
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix("/index.html") {
            let found = if p == "/index.html" {
                self.redirect("/index.html", "/", skip)
            } else {
                self.redirect(p, stem, skip)
                    .or_else(|| exact.clone())
                    .or_else(|| self.redirect(&format!("{stem}.html"), stem, skip))
            };
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix('/') {
            let found = if p == "/" {
                self.serve("/index.html")
            } else {
                self.redirect(&format!("{stem}.html"), stem, skip)
                    .or_else(|| self.redirect(&format!("{stem}/index.html"), stem, skip))
            };
            if found.is_some() {
                return found;
            }
        } else if let Some(stem) = p.strip_suffix(".html") {
            let found = self
                .redirect(p, stem, skip)
                .or_else(|| self.redirect(&format!("{stem}/index.html"), stem, skip));
            if found.is_some() {
                return found;
            }
        }
        exact
            .or_else(|| self.serve(&format!("{p}.html")))
            .or_else(|| self.serve(&format!("{p}/index.html")))
            .or_else(|| self.not_found(p))
    }

    fn not_found(&self, path: &str) -> Option<Intent<'a>> {
        let page = |file: &str, status: u16| {
            self.set.etag(file).map(|etag| Intent::Asset {
                etag,
                status,
                not_found: true,
            })
        };
        match self.not_found_handling {
            NotFoundHandling::SinglePageApplication => page("/index.html", 200),
            NotFoundHandling::NotFoundPage => {
                let mut dir = path;
                while !dir.is_empty() {
                    dir = &dir[..dir.rfind('/').unwrap_or(dir.len().saturating_sub(1))];
                    if let Some(found) = page(&format!("{dir}/404.html"), 404) {
                        return Some(found);
                    }
                }
                None
            }
            NotFoundHandling::None => None,
        }
    }
}
