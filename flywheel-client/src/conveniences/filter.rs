//! [`Filter`] and [`Sort`]: the `filter` and `sort` query parameters of Flywheel list
//! operations, written correctly.
//!
//! Filter syntax: conditions `field<op>value` joined by commas, with `op` one of `=`, `!=`,
//! `<`, `<=`, `>`, `>=` and `=~` (regular expression). A string value is sent in double quotes
//! (`label="1001"`): unquoted, `label=1001` compares with the number 1001 and misses a label
//! "1001". Inside a value, `\` and `"` are escaped with a backslash, and so is every comma
//! (`\,`), which would otherwise end the condition. `null` is the missing value.

use std::fmt;

/// One value of a filter condition: how it is written decides how the server compares it.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterValue {
    /// A string, sent quoted and escaped (`"a\,b"`).
    Str(String),
    /// A number, a boolean or a date-time, sent as written (`42`, `true`, `2024-01-31T00:00:00Z`).
    Literal(String),
    /// `null`: the field is missing or null.
    Null,
}

impl FilterValue {
    fn write(&self, out: &mut String) {
        match self {
            FilterValue::Str(text) => {
                out.push('"');
                for c in text.chars() {
                    if matches!(c, '\\' | '"' | ',') {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
            FilterValue::Literal(text) => out.push_str(&escape_commas(text)),
            FilterValue::Null => out.push_str("null"),
        }
    }
}

fn escape_commas(text: &str) -> String {
    text.replace(',', "\\,")
}

impl From<&str> for FilterValue {
    fn from(value: &str) -> Self {
        FilterValue::Str(value.to_owned())
    }
}

impl From<String> for FilterValue {
    fn from(value: String) -> Self {
        FilterValue::Str(value)
    }
}

impl From<&String> for FilterValue {
    fn from(value: &String) -> Self {
        FilterValue::Str(value.clone())
    }
}

macro_rules! literal_values {
    ($($t:ty),*) => {$(
        impl From<$t> for FilterValue {
            fn from(value: $t) -> Self {
                FilterValue::Literal(value.to_string())
            }
        }
    )*};
}
literal_values!(i32, i64, u32, u64, usize, f64, bool);

impl From<chrono::DateTime<chrono::Utc>> for FilterValue {
    fn from(value: chrono::DateTime<chrono::Utc>) -> Self {
        FilterValue::Literal(value.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

impl From<chrono::NaiveDate> for FilterValue {
    fn from(value: chrono::NaiveDate) -> Self {
        FilterValue::Literal(value.format("%Y-%m-%d").to_string())
    }
}

impl<T: Into<FilterValue>> From<Option<T>> for FilterValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(FilterValue::Null, Into::into)
    }
}

/// A Flywheel filter: conditions that must all hold, built with typed values so strings are
/// quoted and commas escaped.
///
/// ```
/// use flywheel_client::conveniences::Filter;
///
/// let filter = Filter::new().eq("label", "1001").gt("created", 5).is_null("info.qc");
/// assert_eq!(filter.to_string(), r#"label="1001",created>5,info.qc=null"#);
/// // A raw filter string is still accepted, as written.
/// assert_eq!(Filter::from("label=~^sub-").to_string(), "label=~^sub-");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    text: String,
}

impl Filter {
    /// An empty filter: everything matches.
    pub fn new() -> Self {
        Filter::default()
    }

    fn condition(mut self, field: &str, op: &str, value: FilterValue) -> Self {
        if !self.text.is_empty() {
            self.text.push(',');
        }
        self.text.push_str(field);
        self.text.push_str(op);
        value.write(&mut self.text);
        self
    }

    /// `field=value`.
    pub fn eq(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, "=", value.into())
    }

    /// `field!=value`.
    pub fn ne(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, "!=", value.into())
    }

    /// `field<value`.
    pub fn lt(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, "<", value.into())
    }

    /// `field<=value`.
    pub fn le(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, "<=", value.into())
    }

    /// `field>value`.
    pub fn gt(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, ">", value.into())
    }

    /// `field>=value`.
    pub fn ge(self, field: &str, value: impl Into<FilterValue>) -> Self {
        self.condition(field, ">=", value.into())
    }

    /// `field=~pattern`: the field matches the regular expression. The pattern is sent
    /// unquoted, with commas escaped.
    pub fn matches(self, field: &str, pattern: &str) -> Self {
        self.condition(field, "=~", FilterValue::Literal(pattern.to_owned()))
    }

    /// `field=null`: the field is missing or null.
    pub fn is_null(self, field: &str) -> Self {
        self.condition(field, "=", FilterValue::Null)
    }

    /// `field!=null`: the field has a value.
    pub fn not_null(self, field: &str) -> Self {
        self.condition(field, "!=", FilterValue::Null)
    }

    /// Appends a condition written by hand, as is (nothing is quoted or escaped).
    pub fn raw(mut self, condition: &str) -> Self {
        if !condition.is_empty() {
            if !self.text.is_empty() {
                self.text.push(',');
            }
            self.text.push_str(condition);
        }
        self
    }

    /// The filter text, as sent in the `filter` query parameter.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the filter has no condition (then no `filter` parameter is sent).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A raw filter string, sent as written (`"label=x,created>2024-01-01"`).
impl From<&str> for Filter {
    fn from(text: &str) -> Self {
        Filter::new().raw(text)
    }
}

/// A raw filter string, sent as written.
impl From<String> for Filter {
    fn from(text: String) -> Self {
        Filter { text }
    }
}

/// Sort order for the `sort` query parameter: `field:asc` or `field:desc`, comma-joined.
///
/// ```
/// use flywheel_client::conveniences::Sort;
///
/// assert_eq!(Sort::asc("label").then_desc("created").to_string(), "label:asc,created:desc");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sort {
    text: String,
}

impl Sort {
    /// Ascending by `field`.
    pub fn asc(field: &str) -> Self {
        Sort::default().then(field, "asc")
    }

    /// Descending by `field`.
    pub fn desc(field: &str) -> Self {
        Sort::default().then(field, "desc")
    }

    fn then(mut self, field: &str, order: &str) -> Self {
        if !self.text.is_empty() {
            self.text.push(',');
        }
        self.text.push_str(field);
        self.text.push(':');
        self.text.push_str(order);
        self
    }

    /// Then ascending by `field`.
    pub fn then_asc(self, field: &str) -> Self {
        self.then(field, "asc")
    }

    /// Then descending by `field`.
    pub fn then_desc(self, field: &str) -> Self {
        self.then(field, "desc")
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A raw sort string, sent as written (`"label:asc"`).
impl From<&str> for Sort {
    fn from(text: &str) -> Self {
        Sort {
            text: text.to_owned(),
        }
    }
}
