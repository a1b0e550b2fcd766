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
                deserializer.deserialize_str($crate::support::StrVisitor::<Self>::new())
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
