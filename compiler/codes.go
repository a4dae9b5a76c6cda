package compiler

// Diagnostic codes. They are stable: tools filter and suppress by them.
// E0xx: reading the document; E1xx: structure; E2xx: operators;
// E3xx: limits; W1xx: warnings (valid for AWS, but probably not meant).
const (
	CodeSyntax      = "E001" // not JSON
	CodeTooLarge    = "E002" // document larger than the dialect allows
	CodeTooDeep     = "E003" // nesting beyond the safety budget
	CodeInvalidText = "E004" // invalid UTF-8 and similar encoding faults

	CodeNotObject       = "E101" // Filter is not an object
	CodeMemberScalar    = "E102" // "K" must be an object or an array
	CodeEmptyObject     = "E103" // Empty objects are not allowed
	CodeEmptyArray      = "E104" // Empty arrays are not allowed
	CodeNestedValueList = "E105" // Match value must be String, number, …
	CodeNoMatchName     = "E106" // Match expression name not found
	CodeOneKey          = "E107" // Only one key allowed in match expression
	CodeUnknownOperator = "E108" // Unrecognized match type K
	CodeOr              = "E109" // malformed $or
	CodeNestedScope     = "E110" // nested policy in MessageAttributes scope

	CodePrefix          = "E201" // prefix operand
	CodeSuffix          = "E202" // suffix operand
	CodeEqualsIgnore    = "E203" // equals-ignore-case operand
	CodeWildcard        = "E204" // wildcard operand or syntax
	CodeAnythingBut     = "E205" // anything-but operand
	CodeNumeric         = "E206" // numeric grammar
	CodeExists          = "E207" // exists operand
	CodeCIDR            = "E208" // cidr operand
	CodeExactly         = "E209" // exactly operand
	CodeNumberPrecision = "E210" // Cannot compare number

	CodeComplexity   = "E301" // wildcard complexity (EventBridge)
	CodeSNSKeys      = "E302" // more than 5 keys (SNS)
	CodeSNSCombos    = "E303" // more than 150 combinations (SNS)
	CodeTooManyRules = "E304" // clause budget after $or expansion

	WarnExactly     = "W101" // undocumented exactly operator
	WarnOrFallback  = "W102" // $or read as an ordinary field name
	WarnNumberRange = "W103" // number outside AWS's documented range
	WarnInexact     = "W104" // number literal not exactly representable
	// WarnComplexityQuirk: over the wildcard complexity limit, but only
	// event-ruler's exists:false quirk would keep AWS from rejecting it.
	WarnComplexityQuirk = "W105"
)
