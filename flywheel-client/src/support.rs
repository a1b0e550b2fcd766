//! Small pieces the generated code shares, kept here so each generated type stays short.

// With every operation feature off, no generated type uses these.
#![allow(dead_code, unused_imports, unused_macros)]

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;
use std::marker::PhantomData;

/// Implements `From<String>`, `From<Enum> for String`, `FromStr`, `Display`, `Serialize`, `Deserialize` and
/// [`ParamValue`](crate::ParamValue) for a generated string enum, given its `as_str` and
/// `From<&str>` (which maps unknown values to `Unknown`).
macro_rules! string_enum_impls {
    ($name:ident) => {
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_any($crate::support::StrVisitor::<Self>::new())
            }
        }
        impl $crate::ParamValue for $name {
            fn to_param(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
        impl $crate::support::Empty for $name {
            fn empty() -> Self {
                Self::Unknown(::std::string::String::new())
            }
        }
    };
}
pub(crate) use string_enum_impls;

/// An object key as the generated struct decoders read it: borrowed from the input when it
/// has no escapes, so matching keys allocates nothing.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Decodes a string into any `T: From<&str>` without an intermediate `String`.
pub(crate) struct StrVisitor<T>(PhantomData<fn() -> T>);

impl<T> StrVisitor<T> {
    pub(crate) fn new() -> Self {
        StrVisitor(PhantomData)
    }
}

impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    // Numbers and booleans as their JSON text, as for string fields (the decoding policy).
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        Ok(T::from(value.to_string().as_str()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        Ok(T::from(value.to_string().as_str()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        Ok(T::from(json_float(value).as_str()))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<T, E> {
        Ok(T::from(if value { "true" } else { "false" }))
    }
}

/// An `f64` as JSON writes it (`1.0`, `2.5e-8`).
fn json_float(value: f64) -> String {
    serde_json::Number::from_f64(value)
        .map(|number| number.to_string())
        .unwrap_or_else(|| value.to_string())
}

/// A JSON value that is either an array (`A`) or an object (`O`), told apart by its first
/// token so that nothing is buffered. Generated unions of a list and a page envelope use it.
pub(crate) enum ArrayOrObject<A, O> {
    Array(A),
    Object(O),
}

impl<'de, A: Deserialize<'de>, O: Deserialize<'de>> Deserialize<'de> for ArrayOrObject<A, O> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KindVisitor<A, O>(PhantomData<fn() -> (A, O)>);

        impl<'de, A: Deserialize<'de>, O: Deserialize<'de>> Visitor<'de> for KindVisitor<A, O> {
            type Value = ArrayOrObject<A, O>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array or object")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
                A::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(ArrayOrObject::Array)
            }

            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                O::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ArrayOrObject::Object)
            }
        }

        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
}

/// What JSON a union variant accepts, for choosing among a union's variants.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape {
    /// An object with these known keys (a generated struct).
    Object(&'static [&'static str]),
    /// Any object (a map or free-form JSON object).
    AnyObject,
    /// An array.
    Array,
    /// A string (also enums and date-times).
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Not known from the type alone (a nested union or free-form value): always tried.
    Any,
}

/// The variants worth trying for a buffered JSON value, best first: variants of the wrong
/// JSON kind are left out, and objects go to the struct that knows most of their keys (ties
/// keep spec order). Structs with all-optional fields accept any object, so trying variants in
/// spec order, as an untagged enum does, would pick the first struct and drop the other
/// fields.
///
/// The value stays raw JSON text: each candidate decodes with `serde_json::from_slice`, the
/// same deserializer as a whole response, so no type is compiled for a second deserializer.
pub(crate) fn candidates(raw: &RawValue, shapes: &[Shape]) -> Vec<usize> {
    let text = raw.get().trim_start();
    let keys = if text.starts_with('{') {
        serde_json::from_str::<ObjectKeys>(text)
            .map(|k| k.0)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let kind = text.as_bytes().first().copied().unwrap_or(b'n');
    let mut scored: Vec<(usize, usize)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(index, shape)| {
            let score = match (shape, kind) {
                (Shape::Object(fields), b'{') => {
                    1 + keys.iter().filter(|k| fields.contains(&k.as_str())).count()
                }
                (Shape::AnyObject, b'{')
                | (Shape::Array, b'[')
                | (Shape::String, b'"')
                | (Shape::Number, b'-' | b'0'..=b'9')
                | (Shape::Bool, b't' | b'f')
                | (Shape::Any, _) => 1,
                _ => return None,
            };
            Some((index, score))
        })
        .collect();
    scored.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scored.into_iter().map(|(index, _)| index).collect()
}

/// The keys of a JSON object, values skipped.
struct ObjectKeys(Vec<String>);

impl<'de> Deserialize<'de> for ObjectKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;

        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = ObjectKeys;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ObjectKeys, M::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<de::IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(ObjectKeys(keys))
            }
        }

        deserializer.deserialize_map(KeysVisitor)
    }
}

/// The string value of `property` in a JSON object, if any: what picks the variant of a
/// discriminated union (`oneOf` + `discriminator`).
pub(crate) fn tag_of<'v>(value: &'v serde_json::Value, property: &str) -> Option<&'v str> {
    value.get(property)?.as_str()
}

/// Serializes one variant of a discriminated union: the variant's own object, with the
/// discriminating `property` set to `tag` when the object does not carry it already.
pub(crate) fn serialize_tagged<T: serde::Serialize, S: serde::Serializer>(
    inner: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(inner).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(object) = &mut value {
        object
            .entry(property)
            .or_insert_with(|| serde_json::Value::String(tag.to_owned()));
    }
    serde::Serialize::serialize(&value, serializer)
}

/// The value a required field of a request type decodes to when a response omits it or sends
/// `null`: decoding stays tolerant although the field is not an `Option`. It is `Default` where
/// the type has one (`""`, `0`, `[]`); a string enum's is `Unknown("")`, and a request type
/// without `Default` (it has required fields) is its empty fields. Crate-private, so it gives
/// users no way around a request type's constructor.
pub(crate) trait Empty {
    /// The empty value.
    fn empty() -> Self;
}

impl<T: Default> Empty for T {
    fn empty() -> Self {
        T::default()
    }
}

/// A field decoded by the crate's decoding policy (see the crate docs, "Decoding policy"):
/// `null` is `None`, other values go through [`Tolerant`]. The generated struct decoders read
/// every scalar field (and lists or maps of scalars) through it.
pub(crate) struct Lenient<T>(pub(crate) Option<T>);

impl<'de, T: Tolerant> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Tolerant> Visitor<'de> for OptionVisitor<T> {
            type Value = Lenient<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }

            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Lenient<T>, D::Error> {
                T::deserialize_tolerant(inner).map(|value| Lenient(Some(value)))
            }
        }

        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

/// The next value of an object, as a field decoded by the decoding policy ([`Lenient`]).
pub(crate) fn lenient<'de, T: Tolerant, M: MapAccess<'de>>(
    map: &mut M,
) -> Result<Option<T>, M::Error> {
    map.next_value::<Lenient<T>>().map(|value| value.0)
}

/// A type decoded by the crate's decoding policy: the coercions written in the crate docs
/// ("Decoding policy"). Error messages never quote a string value (it may be patient data).
pub(crate) trait Tolerant: Sized {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// An error naming what was expected and the kind of value found, without the value.
fn unexpected<E: de::Error>(found: &str, expected: &str) -> E {
    E::custom(format_args!("expected {expected}, found {found}"))
}

/// The documented stand-ins for non-finite numbers. JSON has no literal for them; answers
/// that carry Python's `NaN`, `Infinity` or `-Infinity` are read as if these strings stood
/// there (see [`rewrite_non_finite`]), and number fields turn them back into the `f64` value.
pub(crate) const NON_FINITE: [(&str, f64); 3] = [
    ("NaN", f64::NAN),
    ("Infinity", f64::INFINITY),
    ("-Infinity", f64::NEG_INFINITY),
];

/// `text` as a number, when it is a JSON number or a non-finite stand-in.
fn number_in_string(text: &str) -> Option<f64> {
    if let Some((_, value)) = NON_FINITE.iter().find(|(name, _)| *name == text) {
        return Some(*value);
    }
    let json_number = text
        .bytes()
        .next()
        .is_some_and(|b| b == b'-' || b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    json_number.then(|| text.parse().ok()).flatten()
}

/// An integer from an `f64` that is integral and within `i64`.
fn integral(value: f64) -> Option<i64> {
    // `i64::MAX as f64` is 2^63, one past the range, hence `<`.
    (value.fract() == 0.0 && value >= i64::MIN as f64 && value < i64::MAX as f64)
        .then_some(value as i64)
}

impl Tolerant for i64 {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntegerVisitor;

        impl Visitor<'_> for IntegerVisitor {
            type Value = i64;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
                Ok(value)
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
                i64::try_from(value)
                    .map_err(|_| unexpected("an integer beyond 64 bits", "an integer"))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
                integral(value).ok_or_else(|| {
                    unexpected("a number with a fraction or beyond 64 bits", "an integer")
                })
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<i64, E> {
                match value.parse::<i64>() {
                    Ok(value) => Ok(value),
                    Err(_) => number_in_string(value)
                        .and_then(integral)
                        .ok_or_else(|| unexpected("a string that is no integer", "an integer")),
                }
            }
        }

        deserializer.deserialize_any(IntegerVisitor)
    }
}

/// As `i64`, then within the 32-bit range (`format: int32`).
impl Tolerant for i32 {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wide = i64::deserialize_tolerant(deserializer)?;
        i32::try_from(wide).map_err(|_| unexpected("an integer beyond 32 bits", "a 32-bit integer"))
    }
}

impl Tolerant for f64 {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;

        impl Visitor<'_> for NumberVisitor {
            type Value = f64;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<f64, E> {
                Ok(value as f64)
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<f64, E> {
                Ok(value as f64)
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<f64, E> {
                Ok(value)
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<f64, E> {
                number_in_string(value)
                    .ok_or_else(|| unexpected("a string that is no number", "a number"))
            }
        }

        deserializer.deserialize_any(NumberVisitor)
    }
}

impl Tolerant for bool {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BoolVisitor;

        impl Visitor<'_> for BoolVisitor {
            type Value = bool;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<bool, E> {
                Ok(value)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<bool, E> {
                self.visit_u64(u64::try_from(value).unwrap_or(2))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<bool, E> {
                match value {
                    0 => Ok(false),
                    1 => Ok(true),
                    _ => Err(unexpected("a number other than 0 or 1", "a boolean")),
                }
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<bool, E> {
                match value {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    _ => Err(unexpected(
                        "a string other than \"true\" or \"false\"",
                        "a boolean",
                    )),
                }
            }
        }

        deserializer.deserialize_any(BoolVisitor)
    }
}

impl Tolerant for String {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringVisitor;

        impl Visitor<'_> for StringVisitor {
            type Value = String;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
                Ok(value.to_owned())
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
                Ok(value)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
                Ok(value.to_string())
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
                Ok(value.to_string())
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
                Ok(json_float(value))
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<String, E> {
                Ok(value.to_string())
            }
        }

        deserializer.deserialize_any(StringVisitor)
    }
}

impl Tolerant for chrono::DateTime<chrono::Utc> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateTimeVisitor;

        impl Visitor<'_> for DateTimeVisitor {
            type Value = chrono::DateTime<chrono::Utc>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                parse_date_time(value).ok_or_else(|| {
                    unexpected(
                        "a string that is no date-time this client reads",
                        "a date-time",
                    )
                })
            }
        }

        deserializer.deserialize_any(DateTimeVisitor)
    }
}

/// A date-time as the server has written them (see the crate docs, "Decoding policy"): RFC 3339
/// (`2024-02-29T13:45:30.5+01:00`, `…Z`); the same with a space for the `T`, or a `+0100`
/// offset; without an offset, read as UTC (`2024-02-29T13:45:30`, Python's `isoformat()` of a
/// naive datetime).
pub(crate) fn parse_date_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDateTime, Utc};
    if let Ok(value) = DateTime::parse_from_rfc3339(text) {
        return Some(value.with_timezone(&Utc));
    }
    const WITH_OFFSET: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"];
    const WITHOUT_OFFSET: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];
    WITH_OFFSET
        .iter()
        .find_map(|format| DateTime::parse_from_str(text, format).ok())
        .map(|value| value.with_timezone(&Utc))
        .or_else(|| {
            WITHOUT_OFFSET
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
                .map(|value| value.and_utc())
        })
}

impl<T: Tolerant> Tolerant for Vec<T> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Tolerant> Visitor<'de> for ListVisitor<T> {
            type Value = Vec<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(value) = seq.next_element::<Item<T>>()? {
                    values.push(value.0);
                }
                Ok(values)
            }
        }

        deserializer.deserialize_seq(ListVisitor(PhantomData))
    }
}

impl<T: Tolerant> Tolerant for std::collections::BTreeMap<String, T> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<fn() -> T>);

        impl<'de, T: Tolerant> Visitor<'de> for MapVisitor<T> {
            type Value = std::collections::BTreeMap<String, T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut values = std::collections::BTreeMap::new();
                while let Some((key, value)) = map.next_entry::<String, Item<T>>()? {
                    values.insert(key, value.0);
                }
                Ok(values)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// One element of a list or map of scalars, decoded by the policy (`null` is not a value here).
struct Item<T>(T);

impl<'de, T: Tolerant> Deserialize<'de> for Item<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_tolerant(deserializer).map(Item)
    }
}

/// Rewrites the non-finite literals `NaN`, `Infinity` and `-Infinity` outside strings into the
/// strings of [`NON_FINITE`], so the text becomes JSON. `None` when there is none to rewrite.
/// Only called after a fast parse failed, so valid answers never pay for the scan.
pub(crate) fn rewrite_non_finite(text: &[u8]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut escaped = false;
    let mut copied = 0;
    let mut index = 0;
    while index < text.len() {
        let byte = text[index];
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            index += 1;
            continue;
        }
        if byte == b'"' {
            in_string = true;
            index += 1;
            continue;
        }
        let rest = &text[index..];
        let literal = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|literal| rest.starts_with(literal.as_bytes()));
        match literal {
            Some(literal) => {
                let out = out.get_or_insert_with(|| Vec::with_capacity(text.len() + 16));
                out.extend_from_slice(&text[copied..index]);
                out.push(b'"');
                out.extend_from_slice(literal.as_bytes());
                out.push(b'"');
                index += literal.len();
                copied = index;
            }
            None => index += 1,
        }
    }
    let mut out = out?;
    out.extend_from_slice(&text[copied..]);
    Some(out)
}

/// Why a body (or a union's buffered value) did not decode: the JSON path of the failing value
/// (`results[17].created`, `.` for the whole body) and serde_json's error, with its line and
/// column.
pub(crate) type PathError = serde_path_to_error::Error<serde_json::Error>;

/// Decodes a JSON body by the crate's policy (see the crate docs, "Decoding policy").
pub(crate) fn decode<T: de::DeserializeOwned>(body: &[u8]) -> Result<T, PathError> {
    decode_seed(body, PhantomData::<T>)
}

/// Decodes a JSON body with a seed, by the crate's policy. The fast path is plain
/// `serde_json`; only when it fails does a second pass rewrite non-finite literals, lift the
/// nesting limit (growing the stack as needed rather than overflowing it), and track the JSON
/// path for the error. An empty body (only whitespace) decodes as `{}`, else `[]`, else `null`:
/// the first the type accepts (a struct with every field `None`, an empty list, `None`).
pub(crate) fn decode_seed<S, V>(body: &[u8], seed: S) -> Result<V, PathError>
where
    S: for<'de> de::DeserializeSeed<'de, Value = V> + Clone,
{
    let mut json = serde_json::Deserializer::from_slice(body);
    match seed
        .clone()
        .deserialize(&mut json)
        .and_then(|value| json.end().map(|()| value))
    {
        Ok(value) => Ok(value),
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => decode_empty(seed),
        Err(_) => decode_slow(body, seed),
    }
}

#[cold]
fn decode_empty<S, V>(seed: S) -> Result<V, PathError>
where
    S: for<'de> de::DeserializeSeed<'de, Value = V> + Clone,
{
    let mut first_error = None;
    for empty in ["{}", "[]", "null"] {
        let mut json = serde_json::Deserializer::from_str(empty);
        match seed.clone().deserialize(&mut json) {
            Ok(value) => return Ok(value),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    let error = first_error.unwrap_or_else(|| de::Error::custom("the body is empty"));
    Err(serde_path_to_error::Error::new(
        serde_path_to_error::Track::new().path(),
        <serde_json::Error as de::Error>::custom(format_args!(
            "the body is empty and the type has no empty value ({error})"
        )),
    ))
}

#[cold]
fn decode_slow<S, V>(body: &[u8], seed: S) -> Result<V, PathError>
where
    S: for<'de> de::DeserializeSeed<'de, Value = V>,
{
    let rewritten = rewrite_non_finite(body);
    let text = rewritten.as_deref().unwrap_or(body);
    let mut json = serde_json::Deserializer::from_slice(text);
    json.disable_recursion_limit();
    let mut track = serde_path_to_error::Track::new();
    let stacked = serde_stacker::Deserializer::new(&mut json);
    let tracked = serde_path_to_error::Deserializer::new(stacked, &mut track);
    seed.deserialize(tracked)
        .and_then(|value| json.end().map(|()| value))
        .map_err(|error| serde_path_to_error::Error::new(track.path(), error))
}

/// Decodes one union variant from the buffered value. Plain `serde_json` unless `explain`;
/// with `explain`, by the same policy as a whole body (see [`decode`]), so the error has a path.
pub(crate) fn decode_variant<T: de::DeserializeOwned>(
    raw: &RawValue,
    explain: bool,
) -> Result<T, PathError> {
    if explain {
        decode(raw.get().as_bytes())
    } else {
        serde_json::from_str(raw.get()).map_err(|error| {
            serde_path_to_error::Error::new(serde_path_to_error::Track::new().path(), error)
        })
    }
}

/// Decodes a union: `decode(index, explain)` decodes the variant at `index` (`None` for no
/// such variant). The candidates are tried in order, plainly; the first that decodes wins.
/// Only when none does are they tried again with path tracking, to name the variant that
/// matched best and where it failed (see [`no_variant`]), so a union that decodes pays
/// nothing for the explanation.
pub(crate) fn pick_variant<T, E: de::Error>(
    union: &str,
    variants: &[&str],
    candidates: Vec<usize>,
    decode: impl Fn(usize, bool) -> Option<Result<T, PathError>>,
) -> Result<T, E> {
    for &index in &candidates {
        if let Some(Ok(value)) = decode(index, false) {
            return Ok(value);
        }
    }
    explain_variants(union, variants, candidates, decode)
}

#[cold]
fn explain_variants<T, E: de::Error>(
    union: &str,
    variants: &[&str],
    candidates: Vec<usize>,
    decode: impl Fn(usize, bool) -> Option<Result<T, PathError>>,
) -> Result<T, E> {
    let mut closest = None;
    for index in candidates {
        match decode(index, true) {
            // Decodes by the whole policy (e.g. past the nesting limit).
            Some(Ok(value)) => return Ok(value),
            Some(Err(error)) => keep_closest(&mut closest, index, error),
            None => {}
        }
    }
    Err(no_variant(union, variants, closest))
}

/// Keeps the failure of the union variant that matched best: the one that decoded furthest
/// into the value (the deepest failing path); on a tie, the one tried first (candidates come
/// best first).
pub(crate) fn keep_closest(
    closest: &mut Option<(usize, PathError)>,
    index: usize,
    error: PathError,
) {
    let depth = |error: &PathError| error.path().iter().count();
    if closest
        .as_ref()
        .is_none_or(|(_, kept)| depth(&error) > depth(kept))
    {
        *closest = Some((index, error));
    }
}

/// The error of a union whose value no variant decodes: it names the variant that matched
/// best (see [`keep_closest`]) and the path and reason of its failure.
#[cold]
pub(crate) fn no_variant<E: de::Error>(
    union: &str,
    variants: &[&str],
    closest: Option<(usize, PathError)>,
) -> E {
    match closest {
        Some((index, error)) => E::custom(format_args!(
            "the value matches no variant of {union}; the closest, {}, fails at `{}`: {}",
            variants.get(index).copied().unwrap_or("?"),
            error.path(),
            error.inner()
        )),
        None => E::custom(format_args!(
            "the value matches no variant of {union}: its JSON kind fits none"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_prefer_the_struct_that_knows_the_keys() {
        let shapes = [
            Shape::Object(&["ticket"]),
            Shape::Object(&["comment", "members"]),
            Shape::String,
        ];
        let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
        assert_eq!(
            candidates(&raw(r#"{"comment": "c", "members": []}"#), &shapes),
            [1, 0]
        );
        assert_eq!(candidates(&raw(r#" {"ticket": "t"}"#), &shapes), [0, 1]);
        assert_eq!(candidates(&raw(r#""s""#), &shapes), [2]);
        assert!(candidates(&raw("3"), &shapes).is_empty());
    }

    fn lenient<T: Tolerant>(json: &str) -> Result<Option<T>, serde_json::Error> {
        serde_json::from_str::<Lenient<T>>(json).map(|value| value.0)
    }

    #[test]
    fn integers_take_integral_floats_and_numeric_strings() {
        assert_eq!(lenient::<i64>("1.0").unwrap(), Some(1));
        assert_eq!(lenient::<i64>("-3").unwrap(), Some(-3));
        assert_eq!(lenient::<i64>(r#""12""#).unwrap(), Some(12));
        assert_eq!(lenient::<i64>(r#""12.0""#).unwrap(), Some(12));
        assert_eq!(lenient::<i64>("null").unwrap(), None);
        for bad in [
            "1.5",
            "18446744073709551615",
            "1e300",
            r#""twelve""#,
            "true",
            "[]",
            "{}",
        ] {
            assert!(lenient::<i64>(bad).is_err(), "{bad}");
        }
        // The message names the kind, never the string itself.
        let error = lenient::<i64>(r#""Jane Doe""#).unwrap_err().to_string();
        assert!(
            error.starts_with("expected an integer, found a string"),
            "{error}"
        );
        assert!(!error.contains("Jane"), "{error}");
    }

    #[test]
    fn numbers_take_integers_numeric_strings_and_non_finite_stand_ins() {
        assert_eq!(lenient::<f64>("2").unwrap(), Some(2.0));
        assert_eq!(lenient::<f64>(r#""2.5""#).unwrap(), Some(2.5));
        assert_eq!(
            lenient::<f64>(r#""Infinity""#).unwrap(),
            Some(f64::INFINITY)
        );
        assert_eq!(
            lenient::<f64>(r#""-Infinity""#).unwrap(),
            Some(f64::NEG_INFINITY)
        );
        assert!(lenient::<f64>(r#""NaN""#).unwrap().unwrap().is_nan());
        assert!(lenient::<f64>(r#""nan""#).is_err());
        assert!(lenient::<f64>("[1]").is_err());
    }

    #[test]
    fn strings_take_numbers_and_booleans_as_their_json_text() {
        assert_eq!(lenient::<String>("1001").unwrap().as_deref(), Some("1001"));
        assert_eq!(lenient::<String>("1.0").unwrap().as_deref(), Some("1.0"));
        assert_eq!(
            lenient::<String>("-2.5e-8").unwrap().as_deref(),
            Some("-2.5e-8")
        );
        assert_eq!(lenient::<String>("true").unwrap().as_deref(), Some("true"));
        assert!(lenient::<String>("{}").is_err());
        assert!(lenient::<String>("[]").is_err());
        // String enums too.
        let state: crate::types::JobState = serde_json::from_str("5").unwrap();
        assert_eq!(state.as_str(), "5");
    }

    #[test]
    fn booleans_take_zero_one_and_their_strings() {
        assert_eq!(lenient::<bool>("1").unwrap(), Some(true));
        assert_eq!(lenient::<bool>("0").unwrap(), Some(false));
        assert_eq!(lenient::<bool>(r#""false""#).unwrap(), Some(false));
        assert!(lenient::<bool>("2").is_err());
        assert!(lenient::<bool>(r#""yes""#).is_err());
    }

    #[test]
    fn date_times_take_the_shapes_the_server_writes_and_read_naive_ones_as_utc() {
        let read = |text: &str| {
            lenient::<chrono::DateTime<chrono::Utc>>(&format!("\"{text}\""))
                .map(|value| value.unwrap().to_rfc3339())
        };
        assert_eq!(
            read("2024-02-29T13:45:30Z").unwrap(),
            "2024-02-29T13:45:30+00:00"
        );
        assert_eq!(
            read("2024-02-29T13:45:30").unwrap(),
            "2024-02-29T13:45:30+00:00"
        );
        assert_eq!(
            read("2024-02-29T13:45:30.026000").unwrap(),
            "2024-02-29T13:45:30.026+00:00"
        );
        assert_eq!(
            read("2024-02-29 13:45:30").unwrap(),
            "2024-02-29T13:45:30+00:00"
        );
        assert_eq!(
            read("2024-02-29T14:45:30+01:00").unwrap(),
            "2024-02-29T13:45:30+00:00"
        );
        assert_eq!(
            read("2024-02-29T14:45:30+0100").unwrap(),
            "2024-02-29T13:45:30+00:00"
        );
        assert_eq!(
            read("2024-02-29 14:45:30.5+01:00").unwrap(),
            "2024-02-29T13:45:30.500+00:00"
        );
        for bad in ["2024-02-30T00:00:00", "yesterday", "1709214330", ""] {
            assert!(read(bad).is_err(), "{bad}");
        }
        assert!(lenient::<chrono::DateTime<chrono::Utc>>("1709214330").is_err());
    }

    #[test]
    fn lists_and_maps_apply_the_rules_to_each_element() {
        assert_eq!(
            lenient::<Vec<String>>(r#"["a", 1, true]"#)
                .unwrap()
                .unwrap(),
            ["a", "1", "true"]
        );
        assert_eq!(lenient::<Vec<i64>>("[1.0, 2]").unwrap().unwrap(), [1, 2]);
        assert!(lenient::<Vec<i64>>("[1, null]").is_err());
        let map = lenient::<std::collections::BTreeMap<String, Vec<String>>>(r#"{"T1": [7]}"#)
            .unwrap()
            .unwrap();
        assert_eq!(map["T1"], ["7"]);
    }

    #[test]
    fn non_finite_literals_are_rewritten_outside_strings_only() {
        let rewrite = |text: &str| {
            rewrite_non_finite(text.as_bytes()).map(|out| String::from_utf8(out).unwrap())
        };
        assert_eq!(
            rewrite(r#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN \" NaN"}"#).unwrap(),
            r#"{"a": "NaN", "b": ["Infinity", "-Infinity"], "c": "NaN \" NaN"}"#
        );
        assert_eq!(rewrite(r#"{"a": "Infinity"}"#), None);
        assert_eq!(rewrite("[1, 2]"), None);
    }

    #[test]
    fn bodies_decode_with_paths_non_finite_numbers_depth_and_empty_values() {
        let value: serde_json::Value = decode(br#"{"x": [1, NaN]}"#).unwrap();
        assert_eq!(value, serde_json::json!({"x": [1, "NaN"]}));
        let deep = format!("{}{}", "[".repeat(3000), "]".repeat(3000));
        assert!(decode::<serde_json::Value>(deep.as_bytes()).is_ok());
        let error =
            decode::<Vec<crate::types::FileOutput>>(b"[{}, {\"size\": \"big\"}]").unwrap_err();
        assert_eq!(error.path().to_string(), "[1].size");
        assert!(error.to_string().contains("line 1 column"), "{error}");
        assert_eq!(
            decode::<crate::types::DeletedResult>(b"").unwrap(),
            crate::types::DeletedResult::default()
        );
        assert_eq!(decode::<Vec<crate::types::FileOutput>>(b" ").unwrap(), []);
        assert_eq!(decode::<Option<String>>(b"").unwrap(), None);
        assert!(decode::<String>(b"").is_err());
        assert!(decode::<serde_json::Value>(b"{} x").is_err());
    }

    #[test]
    fn array_or_object_dispatches_on_the_first_token() {
        type T = ArrayOrObject<Vec<u8>, std::collections::BTreeMap<String, u8>>;
        assert!(
            matches!(serde_json::from_str::<T>("[1,2]").unwrap(), ArrayOrObject::Array(v) if v == [1, 2])
        );
        assert!(
            matches!(serde_json::from_str::<T>("{\"a\":1}").unwrap(), ArrayOrObject::Object(m) if m["a"] == 1)
        );
        assert!(serde_json::from_str::<T>("3").is_err());
    }
}
