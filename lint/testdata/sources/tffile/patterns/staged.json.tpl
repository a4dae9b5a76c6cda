{
  "source": ["com.example.${stage}"],
  "account": ${accounts},
  "detail": {"ip": [{"cidr": "10.0.0.0/64"}]}
}
